"""Plateau labels close together on the log axis stay readable, in the terminal and the picture."""

from __future__ import annotations

from drill.report.terminal import _plateau_rows


def test_terminal_labels_that_would_overlap_take_a_second_row() -> None:
    """Two short plateaus side by side: both labels whole, one under the other."""
    rows = [row.plain for row in _plateau_rows([(10, 11, "plateau 1,018–1,054"),
                                                 (14, 15, "plateau 2,514–2,523")], 60)]  # fmt: skip
    text = "\n".join(rows)
    assert len(rows) == 2
    assert "plateau 1,018–1,054" in text
    assert "plateau 2,514–2,523" in text


def test_a_lone_plateau_keeps_one_row_with_its_label_inside() -> None:
    (row,) = _plateau_rows([(5, 40, "plateau 348–738")], 60)
    assert "├" in row.plain
    assert "┤" in row.plain
    assert row.plain.index("├") < row.plain.index("plateau 348–738") < row.plain.index("┤")


def test_picture_labels_at_one_place_are_lifted_apart() -> None:
    """Labels drawn at the same spot end up on separate lines of the picture."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from drill.report.picture import _unclutter

    fig = Figure(figsize=(6, 4), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    ax.set_ylim(0, 1.1)
    labels = [ax.text(0.5, 1.03, f"plateau {n:,}–now", ha="center") for n in (1000, 1100, 1200)]
    _unclutter(labels, ax)
    renderer = fig.canvas.get_renderer()
    boxes = [label.get_window_extent(renderer) for label in labels]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
