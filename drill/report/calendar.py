"""The calendar heatmap: exposures per day against the daily target, as Anki draws it.

Weeks are columns and weekdays rows, the most recent week on the right. Each day is one
shade by how much of the deck's daily target it reached, drawn with a different character
per level so the picture reads without colour too.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from rich.style import Style
from rich.text import Text

LEVELS = (
    ("·", Style(color="grey37"), "none"),
    ("░", Style(color="green4"), "under half"),
    ("▒", Style(color="green3"), "half or more"),
    ("█", Style(color="green1"), "target met"),
)
WEEKDAYS = ("Mon", "", "Wed", "", "Fri", "", "Sun")
LABEL = 4


def level(count: int, target: int) -> int:
    """0 none, 1 under half the target, 2 half or more, 3 met (any count, with no target)."""
    if count <= 0:
        return 0
    if target <= 0 or count >= target:
        return 3
    return 2 if count * 2 >= target else 1


def weeks_that_fit(width: int) -> int:
    """Two columns a week beside the weekday labels, at most a year."""
    return max(4, min(53, (width - LABEL - 1) // 2))


def calendar_rows(days: Counter[date], today: date, target: int, weeks: int) -> list[Text]:
    """Month labels, then Monday to Sunday: one cell a day for the last `weeks` weeks."""
    start = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    months = Text(" " * LABEL)
    last_month = None
    for week in range(weeks):
        first = start + timedelta(weeks=week)
        if first.month != last_month and len(months) <= LABEL + week * 2:
            months.append(f"{first:%b} "[: max(0, (weeks - week) * 2)], Style(dim=True))
            last_month = first.month
        elif len(months) <= LABEL + week * 2:
            months.append("  ")
    rows = [months]
    for weekday in range(7):
        row = Text(f"{WEEKDAYS[weekday]:<{LABEL}}", Style(dim=True))
        for week in range(weeks):
            day = start + timedelta(weeks=week, days=weekday)
            if day > today:
                row.append("  ")
                continue
            char, style, _ = LEVELS[level(days[day], target)]
            row.append(char * 2 if char != "·" else " ·", style)
        rows.append(row)
    return rows


def calendar_legend(target: int) -> Text:
    text = Text(" " * LABEL)
    for char, style, words in LEVELS:
        text.append(char * 2 if char != "·" else " ·", style)
        text.append(f" {words}  ", Style(dim=True))
    text.append(f"(target {target:,} a day)", Style(dim=True))
    return text
