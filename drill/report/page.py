"""One deck's report, put together: what `drill report DECK` prints and pictures and exports.

`Report.build` turns a loaded `DeckHistory` into curves, plateaus, marks and the current
state once; the terminal, the picture and the JSON all read the same `Report`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, tzinfo

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from drill.report.calendar import calendar_legend, calendar_rows, weeks_that_fit
from drill.report.changes import RECENT, Changes
from drill.report.curves import (
    DEFAULT_WINDOWS,
    POINTS,
    Curves,
    Mark,
    NetworkCurve,
    State,
    Stretch,
    Windows,
    compute_curves,
    current_state,
    marks,
    network_curve,
    plateaus,
)
from drill.report.data import DeckHistory
from drill.report.inputs import ReportInputs
from drill.report.terminal import (
    BAND,
    DEADLINE,
    GROK,
    HELDOUT,
    LABEL_WIDTH,
    NETWORK,
    PLATEAU,
    RESPONSE,
    TRAIN,
    LogAxis,
    accuracy_chart,
    duration,
    legend,
    percent,
    pressure_chart,
    state_style,
)
from drill.text import cell

HEADLINE = (
    "the shortcut in use and when it began (insight), not held-out accuracy: on this deck "
    "the procedure gets every string right, so what is learned is how the answer is reached"
)


@dataclass(frozen=True)
class Report:
    data: DeckHistory
    curves: Curves
    network: NetworkCurve | None
    plateaus: list[Stretch]
    marks: list[Mark]
    state: State
    days: Counter[date] = field(default_factory=Counter)
    """Exposures per local day (the calendar heatmap)."""
    today: date | None = None
    target: int = 0
    zone: tzinfo | None = None
    """The learner's time zone, for the days and times shown (None: UTC)."""
    changes: Changes | None = None
    """Change-points in the learner's own answers (drill.report.changes)."""

    @classmethod
    def build(
        cls,
        data: DeckHistory,
        points: int = POINTS,
        *,
        control: bool = False,
        windows: Windows = DEFAULT_WINDOWS,
    ) -> Report:
        curves = compute_curves(data, points, windows)
        first = int(data.bins.first[0]) if not data.bins.empty else 0
        return cls(
            data=data,
            curves=curves,
            network=network_curve(data.reference),
            plateaus=plateaus(data.events, first, data.last_exposure),
            marks=marks(data.events),
            state=current_state(data.all_events, data.last_exposure, control=control),
        )

    @classmethod
    def of(cls, inputs: ReportInputs) -> Report:
        """The page for what the use case read (drill.app.report.report_inputs)."""
        built = cls.build(inputs.data, control=inputs.control, windows=inputs.windows)
        marks = list(built.marks)
        insight = inputs.changes.insight if inputs.changes else None
        if insight is not None:
            label = f"insight at exposure {insight.exposure:,}"
            marks.append(Mark("insight", insight.exposure, inputs.data.last_exposure, label))
        return replace(
            built, days=inputs.days, today=inputs.today, target=inputs.target, zone=inputs.zone,
            changes=inputs.changes, marks=marks,
        )  # fmt: skip

    def pace_marks(self) -> list[Mark]:
        """Where the response time changed, to mark on the pressure chart."""
        if self.changes is None:
            return []
        return [
            Mark("pace", c.exposure, c.exposure, f"pace {c.exposure:,}") for c in self.changes.pace
        ]

    @property
    def sealed(self) -> bool:
        """The rule is still sealed for the learner: the deck's size is not shown (with the
        split it gives the modulus away)."""
        return self.state.phase not in ("found it", "early reveal", "control")

    def items_of(self, n: int) -> str:
        """ "135 items", or "the training items" while the rule is sealed."""
        return "the training items" if self.sealed else f"{n:,} items"

    def exposure_span(self) -> list[float]:
        """The smallest and largest exposures any curve reaches (the shared axis)."""
        span = [float(self.curves.exposure[0]), float(self.curves.exposure[-1])]
        if self.network is not None and len(self.network):
            span += [float(self.network.exposure[0])]
        return span

    def network_shown(self) -> NetworkCurve | None:
        """The network's points within the learner's exposures shown (a `--since` report
        starts later; the network's first point is 50 exposures in)."""
        net = self.network
        if net is None:
            return None
        first = int(self.data.bins.first[0]) if self.data.since and not self.data.bins.empty else 0
        keep = (net.exposure >= first) & (net.exposure <= self.data.last_exposure)
        if not keep.any():
            return None
        return replace(
            net,
            exposure=net.exposure[keep],
            heldout_accuracy=net.heldout_accuracy[keep],
            heldout_n=net.heldout_n[keep],
            heldout_untaught=net.heldout_untaught[keep],
            heldout_correct=net.heldout_correct[keep],
            train_accuracy=net.train_accuracy[keep],
            steps=net.steps[keep],
        )

    def title(self) -> str:
        data = self.data
        when = data.since.astimezone(self.zone) if data.since and self.zone else data.since
        since = f" since {when:%Y-%m-%d %H:%M}" if when else ""  # local, as it was typed
        return cell(f"{data.learner} on {data.deck}{since}")

    def facts(self) -> list[tuple[str, str]]:
        """The table's rows: (what, value)."""
        data, curves = self.data, self.curves
        bins = data.bins
        train_n, probe_n = int(bins.train_n.sum()), int(bins.probe_n.sum())
        rows = [
            ("sessions", f"{data.sessions:,}"),
            ("exposures", f"{train_n + probe_n:,} ({train_n:,} training, {probe_n:,} probes)"),
            ("time spent", duration(data.seconds)),
        ]
        if len(curves):
            i = len(curves) - 1
            n = int(curves.train.n[i])
            rows.append(("training accuracy now", f"{percent(curves.train.rate[i])} of last {n}"))
            held = (
                f"{percent(curves.heldout.rate[i])} of last {int(curves.heldout.n[i])} untaught "
                f"answers, right whenever they came "
                f"(95 % {percent(curves.heldout_low[i])}–{percent(curves.heldout_high[i])})"
            )
            rows.append(("held-out accuracy now", held))
            if curves.fluency is not None:
                fluent = f"{percent(curves.fluency.rate[i])} of the same right and in time"
                rows.append(("fluency now", fluent))
        net = self.network_shown()
        tested = [] if net is None else [i for i in range(len(net)) if net.heldout_n[i] > 0]
        if net is not None and tested:
            i = tested[-1]
            after = "" if i == len(net) - 1 else "; none left untaught after it"
            n = int(net.heldout_n[i])  # a count the seal keeps quiet: it tells the deck's size
            of = "the items you had not been taught" if self.sealed else f"{n:,} items"
            rows.append(
                (
                    "network, untaught",
                    f"{percent(float(net.heldout_accuracy[i]))} of {of} at exposure "
                    f"{int(net.exposure[i]):,}{after} (it follows your stream)",
                )
            )
        rows += self.change_facts()
        rows.append(("state", self.state.text))
        return rows

    def change_facts(self) -> list[tuple[str, str]]:
        """The headline of a deck that dates insight, and the pace changes of every deck."""
        changes = self.changes
        if changes is None:
            return []
        rows = []
        if changes.dates_insight:
            rows.append(("headline", HEADLINE))
            now = "–" if changes.shortcut_now is None else f"{changes.shortcut_now:.0%}"
            rows.append(("shortcut in use now", f"{now} of the last {RECENT} answers"))
            found = changes.insight
            rows.append(
                (
                    "insight",
                    "not dated: no lasting change in how you reach the answer"
                    if found is None
                    else f"at exposure {found.exposure:,} (shortcut {found.rate_before:.0%} → "
                    f"{found.rate_after:.0%}; median {found.median_ms_before / 1000:.1f} s → "
                    f"{found.median_ms_after / 1000:.1f} s; p = {found.p_value:.3f})",
                )
            )
        paces = ", ".join(
            f"{c.exposure:,} ({c.before_ms / 1000:.1f} s → {c.after_ms / 1000:.1f} s)"
            for c in changes.pace
        )
        rows.append(("response time changes", paces or "none found"))
        return rows

    def table(self) -> Table:
        table = Table(show_header=False, box=None, padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        for what, value in self.facts():
            style = state_style(self.state) if what == "state" else ""
            table.add_row(what, Text(value, style))
        return table

    def render(self, width: int, height: int) -> RenderableType:
        """The whole terminal page at a console of `width` × `height`."""
        chart_width = max(20, width - LABEL_WIDTH - 2)
        axis = LogAxis.spanning(self.exposure_span(), chart_width * 2)
        tall = max(6, min(14, height // 3))
        short = max(4, min(8, height // 6))
        network = self.network_shown()
        entries = [
            ("━", "training (rolling)", TRAIN),
            ("━", "held-out (untaught)", HELDOUT),
            (" ", "95 % band", BAND),
        ]
        if network is not None:
            entries.append(("━", "network on your stream, untaught", NETWORK))
        if self.plateaus:
            entries.append((" ", "plateau", PLATEAU))
        if any(m.kind == "grokked" for m in self.marks):
            entries.append(("┊", "transition", GROK))
        parts: list[RenderableType] = [
            Text(f"Accuracy: {self.title()}", style="bold"),
            *accuracy_chart(
                self.curves, network, self.plateaus, self.marks, axis, chart_width, tall
            ),
            Text(
                " " * (LABEL_WIDTH + 1) + "exposures, log scale (the network follows yours)",
                style="grey50",
                overflow="ellipsis",
                no_wrap=True,
            ),
            *legend(entries, width),
        ]
        parts += [
            Text(""),
            Text("Pressure: response time and deadline (means; log scale of seconds)", "bold"),
            *pressure_chart(self.curves, axis, chart_width, short, self.pace_marks()),
            *legend([("━", "response time", RESPONSE), ("━", "deadline", DEADLINE)], width),
            Text(""),
            self.table(),
        ]
        if self.today is not None:
            first = min(self.days, default=self.today)
            since_first = (self.today - first).days // 7 + 2
            weeks = min(weeks_that_fit(width), max(4, since_first))
            parts += [
                Text(""),
                Text(f"Days: exposures per day, the last {weeks} weeks", style="bold"),
                *calendar_rows(self.days, self.today, self.target, weeks),
                calendar_legend(self.target),
            ]
        return Group(*parts)
