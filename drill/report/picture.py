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

    fig = Figure(figsize=(11, 9), layout="constrained")
    FigureCanvasAgg(fig)  # a renderer to measure labels with, before saving
    parts: Any = fig.subfigures(2, 1, height_ratios=(7, 2))
    charts, calendar = parts[0], parts[1]
    top, bottom = charts.subplots(2, 1, sharex=True, height_ratios=(2, 1))
    plateau_labels = _accuracy(report, top)
    _pressure(report, bottom)
    _calendar(report, calendar.subplots())
    bottom.set_xscale("log")
    bottom.xaxis.set_major_formatter(lambda v, _pos: f"{v:,.0f}")
    lo, hi = _span(report)
    if hi / lo < 10:  # within a decade: 20, 30, 40 … not only 20 and 50
        bottom.set_xticks([v for v in _whole_ticks() if lo <= v <= hi])
        bottom.xaxis.set_minor_formatter(lambda _v, _pos: "")
    else:
        bottom.xaxis.set_minor_formatter(lambda v, _pos: f"{v:,.0f}" if _twos_and_fives(v) else "")
    top.set_xlim(lo, hi)
    bottom.set_xlabel(
        "exposures, log scale (yours; the network's on the same items in the same order)"
    )
    fig.suptitle(f"drill report: {report.title()}")
    _unclutter(plateau_labels, top)
    import io

    from drill.files import write_atomic

    drawn = io.BytesIO()
    fig.savefig(drawn, format=fmt, dpi=120)
    try:  # whole or not at all, 0600, as backups are
        write_atomic(path, drawn.getvalue())
    except OSError as err:
        raise UserError(f"--output {path}: {err.strerror or err}") from None


def _whole_ticks() -> list[float]:
    """1-9 of every decade, 1 to 9 million."""
    return [float(m * 10**k) for k in range(7) for m in range(1, 10)]


def _span(report: Report) -> tuple[float, float]:
    """The exposures shown: the learner's first point (or the network's) to the last."""
    lo, hi = min(report.exposure_span()), max(report.exposure_span())
    return lo / 1.1, hi * 1.1 if hi > lo else lo * 10


def _accuracy(report: Report, ax: Any) -> list[Any]:
    """The accuracy chart; returns the plateau labels, for `_unclutter` once laid out.
    The legend sits outside, to the right, so it covers no curve."""
    c = report.curves
    x = c.exposure
    labels = []
    for stretch in report.plateaus:
        x0, x1 = max(1, stretch.start), max(1, stretch.end)
        ax.axvspan(x0, x1, color=COLOURS["plateau"], alpha=0.25, lw=0)
        end = "now" if stretch.open else f"{stretch.end:,}"
        labels.append(ax.text(
            np.sqrt(x0 * x1), 1.03, f"plateau {stretch.start:,}–{end}",
            ha="center", va="bottom", fontsize=8, color="#555a80",
        ))  # fmt: skip
    ax.fill_between(
        x, c.heldout_low, c.heldout_high, color=COLOURS["heldout"], alpha=0.2, lw=0,
        label="your held-out, 95 % band",
    )  # fmt: skip
    ax.plot(x, c.train.rate, color=COLOURS["train"], label="your training (rolling)")
    ax.plot(
        x, c.heldout.rate, color=COLOURS["heldout"], lw=2, label="your held-out (untaught, right)"
    )
    if c.fluency is not None:
        ax.plot(
            x, c.fluency.rate, color=COLOURS["heldout"], lw=1, ls="--",
            label="your fluency (right and in time)",
        )  # fmt: skip
    net = report.network_shown()
    if net is not None:
        ax.plot(
            net.exposure, net.heldout_accuracy, color=COLOURS["network"], lw=2,
            label="network on your stream,\nitems untaught so far",
        )  # fmt: skip
        ax.plot(
            net.exposure, net.train_accuracy, color=COLOURS["network"], ls=":", lw=1,
            label="network, items taught",
        )  # fmt: skip
    for i, mark in enumerate(report.marks):
        at = max(1, mark.exposure)
        colour = COLOURS["grok"] if mark.kind != EventKind.EARLY_REVEAL else COLOURS["early"]
        ax.axvline(at, color=colour, ls="--", lw=1.2)
        ax.annotate(
            mark.label, (at, 0.5 - 0.1 * i), xytext=(4, 0), textcoords="offset points",
            color=colour, fontsize=9, fontweight="bold",
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 1},
        )  # fmt: skip
    ax.set_ylim(-0.02, 1.1)
    ax.set_yticks([0, 0.25, 0.5, 0.75, 1])
    ax.set_ylabel("accuracy")
    ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9, frameon=False)
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
    ax.plot(c.exposure, c.deadline_ms / 1000, color=COLOURS["deadline"], label="deadline")
    ax.plot(c.exposure, c.response_ms / 1000, color=COLOURS["response"], label="response time")
    for mark in report.pace_marks():  # where the learner's pace changed (report.changes)
        x = float(mark.exposure)
        ax.axvline(x, color=COLOURS["response"], ls=":", lw=1)
        ax.annotate(mark.label, (x, 0.92), xycoords=("data", "axes fraction"),
                    xytext=(3, 0), textcoords="offset points", color=COLOURS["response"],
                    fontsize=8)  # fmt: skip
    ax.set_yscale("log")  # the deadline falls tenfold; 1 s and 1.5 s must stay apart
    seconds = np.concatenate([c.deadline_ms, c.response_ms]) / 1000
    seconds = seconds[np.isfinite(seconds) & (seconds > 0)]
    if len(seconds):
        lo, hi = float(seconds.min()) / 1.2, float(seconds.max()) * 1.2
        ax.set_ylim(lo, hi)
        ax.set_yticks(seconds_ticks(lo, hi))
    ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:g}")
    ax.yaxis.set_minor_formatter(lambda _v, _pos: "")
    ax.set_ylabel("seconds (log)")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9, frameon=False)


def seconds_ticks(lo: float, hi: float, most: int = 6) -> list[float]:
    """Round numbers of seconds between `lo` and `hi` for a log axis: at least two, so a
    range within one decade (1.5–15 s) is not left with the single tick at 10."""
    steps = (1, 1.5, 2, 3, 5, 7)
    candidates = [m * 10.0**k for k in range(-3, 5) for m in steps]
    inside = [v for v in candidates if lo <= v <= hi]
    for keep in ((1, 1.5, 2, 3, 5, 7), (1, 2, 5), (1, 3), (1,)):
        chosen = [
            v for v in inside if any(abs(v / 10 ** np.floor(np.log10(v)) - m) < 1e-6 for m in keep)
        ]
        if 2 <= len(chosen) <= most:
            return chosen
    if len(inside) >= 2:
        return [inside[0], inside[-1]]
    return [round(lo, 2), round(hi, 2)]


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
