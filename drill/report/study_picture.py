"""A study's figures for a paper: survival per arm and untaught accuracy per arm with its
95 % band, as PNG, SVG or PDF by the file's extension (`drill study report --output`).

matplotlib is imported here only, and this module only when a figure is asked for; it
draws with the Agg backend through `Figure`, never pyplot's global state.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from drill.errors import UserError
from drill.report.study import CURVE_WINDOW, Analysis

FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
COLOURS = ("#1f77b4", "#e08a00", "#2a9d3a", "#b03aa8", "#d62728", "#7f7f7f")


def is_figure(path: Path) -> bool:
    return path.suffix.lower() in FORMATS


def save_study_figure(analyses: Sequence[Analysis], title: str, path: Path) -> None:
    """Draw the two panels for each population (people first, then each simulated kind
    beside them), a row each, and write them to `path` (.png, .svg or .pdf)."""
    fmt = FORMATS[path.suffix.lower()]
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11, 4.5 * len(analyses)), layout="constrained")
    FigureCanvasAgg(fig)
    rows: Any = fig.subfigures(len(analyses), 1, squeeze=False)
    for row, analysis in zip(rows[:, 0], analyses, strict=True):
        _row(row, analysis)
    fig.suptitle(title)
    import io

    from drill.files import write_atomic

    drawn = io.BytesIO()
    fig.savefig(drawn, format=fmt, dpi=150)
    try:  # whole or not at all, 0600, as the report's picture and backups are
        write_atomic(path, drawn.getvalue())
    except OSError as err:
        raise UserError(f"--output {path}: {err.strerror or err}") from None


def _row(fig: Any, analysis: Analysis) -> None:
    survival, accuracy = fig.subplots(1, 2)
    end = max((c.exposure for a in analysis.arms for c in a.curve), default=0)
    end = max([end, *(x for a in analysis.arms for x, _ in a.survival)])
    for n, arm in enumerate(analysis.arms):
        colour = COLOURS[n % len(COLOURS)]
        label = f"{arm.arm} (n = {arm.participants})"
        _survival(survival, arm.survival, colour, label, end)
        if arm.curve:
            xs = [c.exposure for c in arm.curve]
            accuracy.plot(xs, [c.mean for c in arm.curve], color=colour, marker="o",
                          markersize=3, label=label)  # fmt: skip
            accuracy.fill_between(xs, [c.low for c in arm.curve], [c.high for c in arm.curve],
                                  color=colour, alpha=0.2, linewidth=0)  # fmt: skip
    survival.set_title("still without the rule (Kaplan-Meier)")
    survival.set_xlabel("exposures")
    survival.set_ylabel("share of participants")
    survival.set_ylim(-0.02, 1.02)
    survival.legend(loc="lower left", fontsize="small")
    accuracy.set_title(f"untaught accuracy (last {CURVE_WINDOW}), mean and 95% band")
    accuracy.set_xlabel("exposures")
    accuracy.set_ylabel("accuracy (late answers right)")
    accuracy.set_ylim(-0.02, 1.02)
    if accuracy.get_legend_handles_labels()[0]:
        accuracy.legend(loc="lower right", fontsize="small")
    else:  # no one has the 10 untaught answers a point needs yet
        accuracy.text(0.5, 0.5, "no one has 10 untaught answers yet", ha="center",
                      transform=accuracy.transAxes)  # fmt: skip
    fig.suptitle(analysis.population)


def _survival(
    ax: Any, curve: tuple[tuple[int, float], ...], colour: str, label: str, end: int
) -> None:
    """A step from (0, 1) through each arrival, carried on to `end` (those still without
    the rule are censored at their last exposure)."""
    xs, ys = [0], [1.0]
    for exposure, share in curve:
        xs.append(exposure)
        ys.append(share)
    if xs[-1] < end:
        xs.append(end)
        ys.append(ys[-1])
    ax.step(xs, ys, where="post", color=colour, label=label)
