"""The report's charts as a picture to share: SVG or PNG by the file's extension.

matplotlib is imported here only, and this module only when a picture is asked for; it
draws with the Agg backend (no display needed) through `Figure`, never pyplot's global
state.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from drill.errors import UserError
from drill.protocol.records import EventKind
from drill.report.page import Report

FORMATS = {".svg": "svg", ".png": "png"}
COLOURS = {
    "train": "#1f77b4",
    "heldout": "#e08a00",
    "network": "#b03aa8",
    "plateau": "#9aa0c8",
    "grok": "#2a9d3a",
    "early": "#d62728",
    "deadline": "#d62728",
    "response": "#1f77b4",
}


def picture_format(path: Path) -> str:
    """'svg' or 'png' from the extension; anything else is a UserError (one line)."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        given = repr(path.suffix) if path.suffix else "no extension"
        raise UserError(f"--output {path}: cannot write a picture with {given} (use .svg or .png)")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise UserError(f"--output {path}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UserError(f"--output {path}: not writable")
    return fmt


def save_picture(report: Report, path: Path) -> None:
    """Draw the accuracy and pressure charts and write them to `path` (.svg or .png)."""
    fmt = picture_format(path)
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 9), layout="constrained")
    FigureCanvasAgg(fig)  # a renderer to measure labels with, before saving
    parts: Any = fig.subfigures(2, 1, height_ratios=(7, 2))
    charts, calendar = parts[0], parts[1]
    top, bottom = charts.subplots(2, 1, sharex=True, height_ratios=(2, 1))
    plateau_labels = _accuracy(report, top)
    _pressure(report, bottom)
    _calendar(report, calendar.subplots())
    bottom.set_xscale("log")
    bottom.xaxis.set_major_formatter(lambda v, _pos: f"{v:g}")
    bottom.set_xlabel(
        "epochs, log scale (learner: training exposures / "
        f"{report.items_of(report.data.n_train)}; network: full-batch steps)"
    )
    fig.suptitle(f"drill report: {report.title()}")
    _unclutter(plateau_labels, top)
    try:
        fig.savefig(path, format=fmt, dpi=120)
    except OSError as err:
        raise UserError(f"--output {path}: {err.strerror or err}") from None


def _accuracy(report: Report, ax: Any) -> list[Any]:
    """The accuracy chart; returns the plateau labels, for `_unclutter` once laid out."""
    c = report.curves
    epochs = c.epochs
    labels = []
    for stretch in report.plateaus:
        x0, x1 = c.epochs_at([stretch.start, stretch.end])
        ax.axvspan(x0, x1, color=COLOURS["plateau"], alpha=0.25, lw=0)
        end = "now" if stretch.open else f"{stretch.end:,}"
        labels.append(ax.text(
            np.sqrt(x0 * x1) if x0 > 0 else x1, 1.03, f"plateau {stretch.start:,}–{end}",
            ha="center", va="bottom", fontsize=8, color="#555a80",
        ))  # fmt: skip
    ax.fill_between(
        epochs, c.heldout_low, c.heldout_high, color=COLOURS["heldout"], alpha=0.2, lw=0,
        label="held-out 95 % Wilson band",
    )  # fmt: skip
    ax.plot(epochs, c.train.rate, color=COLOURS["train"], label="training accuracy (rolling)")
    ax.plot(epochs, c.heldout.rate, color=COLOURS["heldout"], lw=2, label="held-out probes")
    if report.network is not None:
        net = report.network
        keep = net.steps > 0
        ax.plot(
            net.steps[keep], net.heldout_accuracy[keep], color=COLOURS["network"],
            label=f"network held-out ({report.items_of(net.n_train)})",
        )  # fmt: skip
        ax.plot(
            net.steps[keep], net.train_accuracy[keep], color=COLOURS["network"], ls=":", lw=1,
            label="network training",
        )  # fmt: skip
    for i, mark in enumerate(report.marks):
        x = float(c.epochs_at([mark.exposure])[0])
        colour = COLOURS["grok"] if mark.kind != EventKind.EARLY_REVEAL else COLOURS["early"]
        ax.axvline(x, color=colour, ls="--", lw=1.2)
        ax.annotate(
            mark.label, (x, 0.5 - 0.1 * i), xytext=(4, 0), textcoords="offset points",
            color=colour, fontsize=9, fontweight="bold",
        )  # fmt: skip
    ax.set_ylim(-0.02, 1.1)
    ax.set_ylabel("accuracy")
    ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="upper left", fontsize=8, framealpha=0.8)
    return labels


def _unclutter(labels: list[Any], ax: Any, step: float = 0.045, rows: int = 3) -> None:
    """Lift each label a line at a time (up to `rows` lines) while it overlaps one already
    placed: plateaus close together on the log axis would otherwise print over each other.
    A label with no free line keeps the top one."""
    if len(labels) < 2:
        return
    figure = ax.figure.figure  # the root Figure of a subfigure
    figure.draw_without_rendering()  # lay out first: extents are in final pixels
    renderer = figure.canvas.get_renderer()
    placed: list[Any] = []
    for label in labels:
        x, y = label.get_position()
        for row in range(rows):
            label.set_position((x, y + row * step))
            box = label.get_window_extent(renderer)
            if not any(box.overlaps(other) for other in placed):
                break
        placed.append(label.get_window_extent(renderer))


def _pressure(report: Report, ax: Any) -> None:
    c = report.curves
    ax.plot(c.epochs, c.deadline_ms / 1000, color=COLOURS["deadline"], label="deadline")
    ax.plot(c.epochs, c.response_ms / 1000, color=COLOURS["response"], label="response time")
    for mark in report.pace_marks():  # where the learner's pace changed (report.changes)
        x = float(c.epochs_at([mark.exposure])[0])
        ax.axvline(x, color=COLOURS["response"], ls=":", lw=1)
        ax.annotate(mark.label, (x, 0.92), xycoords=("data", "axes fraction"),
                    xytext=(3, 0), textcoords="offset points", color=COLOURS["response"],
                    fontsize=8)  # fmt: skip
    ax.set_yscale("log")  # the deadline falls tenfold; 1 s and 1.5 s must stay apart
    ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:g}")
    ax.yaxis.set_minor_formatter(_twos_and_fives)
    ax.set_ylabel("seconds (log)")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="upper right", fontsize=8)


def _twos_and_fives(value: float, _pos: object = None) -> str:
    """Minor labels between the decades, at 2 and 5 of each (0.2, 0.5, 2, 5, 20, 50 s):
    a chess deadline of 30 s gets a label near it, as a 1.5 s one does."""
    if value <= 0:
        return ""
    mantissa = value / 10 ** np.floor(np.log10(value))
    return f"{value:g}" if round(float(mantissa), 6) in (2, 5) else ""


def _calendar(report: Report, ax: Any) -> None:
    """Exposures per day, weeks across and weekdays down, shaded by the daily target."""
    from datetime import timedelta

    import numpy as np

    from drill.report.calendar import level

    today = report.today
    if today is None:
        ax.set_axis_off()
        return
    weeks = 53
    start = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    grid = np.full((7, weeks), np.nan)
    for week in range(weeks):
        for weekday in range(7):
            day = start + timedelta(weeks=week, days=weekday)
            if day <= today:
                grid[weekday, week] = level(report.days[day], report.target)
    from matplotlib.colors import ListedColormap

    shades = ListedColormap(["#ebedf0", "#9be9a8", "#40c463", "#216e39"])  # none … target met
    ax.imshow(grid, cmap=shades, vmin=-0.5, vmax=3.5, aspect="equal")
    ax.set_yticks([0, 2, 4, 6], ["Mon", "Wed", "Fri", "Sun"])
    firsts = [w for w in range(weeks) if (start + timedelta(weeks=w)).day <= 7]
    ax.set_xticks(firsts, [f"{start + timedelta(weeks=w):%b}" for w in firsts])
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_title(
        f"Exposures per day, the last year (darkest: the daily target of {report.target:,} met)",
        fontsize=10,
    )
