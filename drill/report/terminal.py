"""The report in the terminal: an accuracy chart, a pressure chart and a table, sized to fit.

Both charts share one x axis, exposures on a log scale (see drill.report.curves), the
learner's and the network's that followed the same stream, so a plateau, a transition,
the network's rise and the deadline under them line up in the same columns.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rich.console import Group, RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text

from drill.protocol.records import EventKind
from drill.report.canvas import Canvas
from drill.report.curves import (
    Curves,
    Mark,
    NetworkCurve,
    State,
    Stretch,
)
from drill.report.data import DeckSummary
from drill.text import cell

TRAIN = Style(color="cyan")
HELDOUT = Style(color="yellow", bold=True)
NETWORK = Style(color="magenta")
BAND = Style(bgcolor="#3a3000")
PLATEAU = Style(bgcolor="#202038")
GROK = Style(color="bright_green", bold=True)
EARLY = Style(color="red", bold=True)
RESPONSE = Style(color="cyan")
DEADLINE = Style(color="red")
AXIS = Style(color="grey50")
LABEL_WIDTH = 5  # "100%" and a space, or "12 s"


@dataclass(frozen=True)
class LogAxis:
    """Exposures → dot columns on a log scale."""

    lo: float  # log10 of the smallest exposure shown
    hi: float
    dots: int

    @classmethod
    def spanning(cls, values: list[float], dots: int) -> LogAxis:
        finite = [math.log10(v) for v in values if v > 0 and math.isfinite(v)]
        lo, hi = (min(finite), max(finite)) if finite else (0.0, 1.0)
        if hi - lo < 1:
            mid = (hi + lo) / 2
            lo, hi = mid - 0.5, mid + 0.5
        return cls(lo, hi, dots)

    def x(self, exposures: object) -> np.ndarray:
        e = np.asarray(exposures, dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            pos = (np.log10(e) - self.lo) / (self.hi - self.lo) * (self.dots - 1)
        return np.where(e > 0, pos, np.nan)

    def col(self, exposure: float) -> int:
        return round(float(self.x([exposure])[0])) // 2

    def ticks(self) -> list[float]:
        first, last = math.floor(self.lo), math.ceil(self.hi)
        decades = [10.0**k for k in range(first, last + 1)]
        ticks = [t for t in decades if self.lo - 1e-9 <= math.log10(t) <= self.hi + 1e-9]
        for steps in ((1, 3), (1, 2, 5)):  # a short span: 30 and 100, or 20, 50, 100
            if len(ticks) >= 3:
                break
            more = [m * t for t in decades for m in steps]
            ticks = [t for t in more if self.lo - 1e-9 <= math.log10(t) <= self.hi + 1e-9]
        return sorted(set(ticks))


def _number(value: float) -> str:
    if value >= 1000:
        return f"{value / 1000:g}k"
    return f"{value:g}"


def _tick_row(axis: LogAxis, width: int) -> Text:
    """Under the axis line: each tick's value centred on its column."""
    cells = [" "] * width
    for tick in axis.ticks():
        label = _number(tick)
        col = axis.col(tick)
        start = min(max(0, col - len(label) // 2), width - len(label))
        if all(c == " " for c in cells[max(0, start - 1) : start + len(label) + 1]):
            cells[start : start + len(label)] = list(label)
    return Text(" " * (LABEL_WIDTH + 1) + "".join(cells), AXIS)


def _axis_line(axis: LogAxis, width: int) -> Text:
    line = ["─"] * width
    for tick in axis.ticks():
        col = axis.col(tick)
        if 0 <= col < width:
            line[col] = "┬"
    return Text(" " * LABEL_WIDTH + "└" + "".join(line), AXIS)


def _framed(canvas: Canvas, labels: dict[int, str]) -> list[Text]:
    """Canvas rows with y labels (by row from the top) and the y axis."""
    rows = []
    for r, text in enumerate(canvas.rows()):
        label = labels.get(r, "")
        tick = "┤" if r in labels else "│"
        rows.append(Text(f"{label:>{LABEL_WIDTH - 1}} ", AXIS) + Text(tick, AXIS) + text)
    return rows


def _mark_rows(marks: list[tuple[int, str, Style]], width: int) -> list[Text]:
    """Labels above the chart ("▼ transition began at exposure 589, detected at 658"), in
    as many rows as they need."""
    rows: list[list[tuple[int, str, Style]]] = []
    for col, label, style in sorted(marks):
        text = f"▼ {label}"
        start = col if col + len(text) <= width else max(0, col - len(text) + 1)
        if start != col:
            text = f"{label} ▼"
        for row in rows:
            if all(s + len(t) + 1 < start or start + len(text) + 1 < s for s, t, _ in row):
                row.append((start, text, style))
                break
        else:
            rows.append([(start, text, style)])
    out: list[Text] = []
    for row in rows[:3]:
        line = Text(" " * (LABEL_WIDTH + 1))
        cursor = 0
        for start, label, style in sorted(row):
            line.append(" " * (start - cursor))
            line.append(label, style)
            cursor = start + len(label)
        out.append(line)
    return out


def _plateau_rows(stretches: list[tuple[int, int, str]], width: int) -> list[Text]:
    """A bracket under the axis for each plateau, ├─ plateau 348–738 ─┤, with its label
    inside, else beside it; a label that would overlap another goes on a second row, and
    is left out (the bracket stays) only when neither row has room."""
    grey = Style(color="grey70")
    brackets: list[tuple[str, Style]] = [(" ", Style())] * width
    extra: list[tuple[str, Style]] = [(" ", Style())] * width
    for col0, col1, _ in stretches:
        col0, col1 = max(0, col0), min(width - 1, max(col0, col1))
        for c in range(col0, col1 + 1):
            brackets[c] = ("─", PLATEAU + grey)
        brackets[col0], brackets[col1] = ("├", grey), ("┤", grey)
    taken = [False] * width  # cells of the bracket row already holding a label
    for col0, col1, label in stretches:
        col0, col1 = max(0, col0), min(width - 1, max(col0, col1))
        inner = col1 - col0 - 1
        if len(label) <= inner:
            start = col0 + 1 + (inner - len(label)) // 2
            where = [range(start, start + len(label))]
        else:
            after, before = col1 + 1, col0 - len(label)
            where = [
                range(s, s + len(label)) for s in (after, before) if 0 <= s <= width - len(label)
            ]
        placed = False
        for span in where:  # the bracket row: only over blank cells or its own bracket
            if all(not taken[c] and (brackets[c][0] == " " or col0 < c < col1) for c in span):
                for c, ch in zip(span, label, strict=True):
                    brackets[c], taken[c] = (ch, Style(color="grey85")), True
                placed = True
                break
        if not placed:  # the second row, under its bracket or as near as fits
            start = min(max(0, col0), width - len(label))
            span = range(start, start + len(label))
            if start >= 0 and all(extra[c][0] == " " for c in span):
                for c, ch in zip(span, label, strict=True):
                    extra[c] = (ch, Style(color="grey85"))
    rows = []
    for cells in (brackets, extra):
        if any(ch != " " for ch, _ in cells):
            line = Text(" " * (LABEL_WIDTH + 1))
            for ch, style in cells:
                line.append(ch, style)
            rows.append(line)
    return rows


def accuracy_chart(
    curves: Curves,
    network: NetworkCurve | None,
    stretches: list[Stretch],
    marks: list[Mark],
    axis: LogAxis,
    width: int,
    height: int,
) -> list[Text]:
    """Training (rolling), held-out with its band, the network, plateaus and marks."""
    canvas = Canvas(width, height)
    top = canvas.ydots - 1

    def y(values: np.ndarray) -> np.ndarray:
        return np.asarray(values, dtype=np.float64) * top

    plateau_cols = []
    for s in stretches:
        col0, col1 = axis.col(max(1, s.start)), axis.col(max(1, s.end))
        canvas.fill_cells(col0, col1, 0, height - 1, PLATEAU)
        end = "now" if s.open else f"{s.end:,}"
        plateau_cols.append((col0, col1, f"plateau {s.start:,}–{end}"))
    xs = axis.x(curves.exposure)
    for i in range(len(curves)):  # the band: a background between the Wilson bounds
        if np.isfinite(xs[i]) and np.isfinite(curves.heldout_low[i]):
            col = int(xs[i]) // 2
            lo, hi = curves.heldout_low[i] * height, curves.heldout_high[i] * height
            canvas.fill_cells(col, col, int(lo), min(height - 1, math.ceil(hi) - 1), BAND)
    if network is not None:
        canvas.line(axis.x(network.exposure), y(network.heldout_accuracy), NETWORK)
    canvas.line(xs, y(curves.train.rate), TRAIN)
    canvas.line(xs, y(curves.heldout.rate), HELDOUT)
    labelled = []
    for mark in marks:
        col = axis.col(max(1, mark.exposure))
        style = GROK if mark.kind in ("grokked", "insight", EventKind.RULE_UNSEALED) else EARLY
        for row in range(height):
            canvas.char(col, row, "┊", style)
        labelled.append((col, mark.label, style))
    rows = _mark_rows(labelled, width)
    rows += _framed(canvas, {0: "100%", height // 2: "50%", height - 1: "0%"})
    rows += [_axis_line(axis, width), _tick_row(axis, width)]
    if plateau_cols:
        rows += _plateau_rows(plateau_cols, width)
    return rows


def pressure_chart(
    curves: Curves, axis: LogAxis, width: int, height: int, changes: Sequence[Mark] = ()
) -> list[Text]:
    """Mean response time and deadline over the same windows, on a log scale of seconds,
    and where the learner's response time changed (drill.report.changes), marked ┊.

    Log, because the deadline falls from the ceiling (15 s) to near the floor (1.5 s),
    where a response of 1 s and a deadline of 1.5 s must still be told apart."""
    canvas = Canvas(width, height)
    seconds = np.concatenate([curves.deadline_ms, curves.response_ms]) / 1000
    seconds = seconds[np.isfinite(seconds) & (seconds > 0)]
    lo, hi = (float(seconds.min()) / 1.15, float(seconds.max()) * 1.1) if len(seconds) else (1, 10)
    span = math.log10(hi) - math.log10(lo)

    def y(ms: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return (np.log10(ms / 1000) - math.log10(lo)) / span * (canvas.ydots - 1)

    xs = axis.x(curves.exposure)
    canvas.line(xs, y(curves.deadline_ms), DEADLINE)
    canvas.line(xs, y(curves.response_ms), RESPONSE)
    labels = {0: _seconds(hi), height - 1: _seconds(lo)}
    if height >= 4:
        labels[height // 2] = _seconds(10 ** ((math.log10(hi) + math.log10(lo)) / 2))
    labelled = []
    for mark in changes:
        col = axis.col(max(1, mark.exposure))
        for row in range(height):
            canvas.char(col, row, "┊", RESPONSE)
        labelled.append((col, mark.label, RESPONSE))
    return [
        *_mark_rows(labelled, width),
        *_framed(canvas, labels),
        _axis_line(axis, width),
        _tick_row(axis, width),
    ]


def _seconds(value: float) -> str:
    return f"{value:.0f} s" if value >= 9.5 else f"{value:.1f}s"


def legend(entries: list[tuple[str, str, Style]], width: int) -> list[Text]:
    """Legend entries in as many lines as the width needs."""
    lines = [Text(" " * (LABEL_WIDTH + 1))]
    for glyph, label, style in entries:
        if lines[-1].cell_len + len(label) + 2 > width and lines[-1].plain.strip():
            lines.append(Text(" " * (LABEL_WIDTH + 1)))
        lines[-1].append(glyph, style)
        lines[-1].append(f" {label}   ")
    return lines


def percent(value: float | None) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{value:.0%}"


def duration(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 120 else f"{minutes / 60:.1f} h"


def state_style(state: State) -> Style:
    styles = {"found it": GROK, "rising": GROK, "plateau": Style(color="yellow")}
    return styles.get(state.phase, Style())


def summary_table(summaries: list[DeckSummary], states: list[State]) -> RenderableType:
    """The no-deck report: one row per deck, one line each at 80 columns. The state column
    holds the state's name; where its sentence says more, it follows the table in full."""
    table = Table(title="Decks drilled", title_justify="left", box=None, padding=(0, 1))
    for header in ("deck", "sessions", "exposures", "training", "held-out", "last", "state"):
        right = header in ("sessions", "exposures", "training", "held-out")
        table.add_column(header, justify="right" if right else "left", no_wrap=True)
    notes = []
    for summary, state in zip(summaries, states, strict=True):
        short = state.phase
        if short != state.text:
            notes.append(Text.assemble((f"{cell(summary.deck)}: ", "bold"), state.text))
        table.add_row(
            Text(cell(summary.deck)),
            f"{summary.sessions:,}",
            f"{summary.exposures:,}",
            percent(summary.train_accuracy),
            f"{percent(summary.heldout_accuracy)} ({summary.untaught:,})",
            summary.last_seen.strftime("%Y-%m-%d") if summary.last_seen else "–",
            Text(short, state_style(state)),
        )
    return Group(table, Text(""), *notes) if notes else table


def small_curve(
    curves: Curves, network: NetworkCurve | None = None, width: int = 60, height: int = 6
) -> RenderableType:
    """The accuracy curve in small (for the end-of-session summary): no axes, one legend."""
    if len(curves) == 0:
        return Text("")
    chart_width = max(10, width - LABEL_WIDTH - 1)
    span = [float(curves.exposure[0]), float(curves.exposure[-1])]
    axis = LogAxis.spanning(span, chart_width * 2)
    canvas = Canvas(chart_width, max(2, height - 1))
    top = canvas.ydots - 1
    if network is not None:
        shown = network.exposure <= curves.exposure[-1]  # kept further than this history
        canvas.line(axis.x(network.exposure[shown]), network.heldout_accuracy[shown] * top, NETWORK)
    xs = axis.x(curves.exposure)
    canvas.line(xs, curves.train.rate * top, TRAIN)
    canvas.line(xs, curves.heldout.rate * top, HELDOUT)
    rows = _framed(canvas, {0: "100%", canvas.height - 1: "0%"})
    key = Text(" " * (LABEL_WIDTH + 1))
    key.append("━ training  ", TRAIN)
    key.append("━ held-out", HELDOUT)
    if network is not None:
        key.append("  ━ network", NETWORK)
    first, last = int(curves.exposure[0]), int(curves.exposure[-1])
    drawn = f"exposures {first:,}–{last:,}" if first < last else f"exposure {last:,}"
    key.append(f"  {drawn}", AXIS)
    key.truncate(width, overflow="ellipsis")
    return Group(*rows, key)
