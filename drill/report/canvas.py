"""A braille canvas: lines at 2×4 dots per character cell, rendered as rich Text.

Each cell keeps its dots and one colour (the last series drawn there wins, so draw the
most important last) and may have a background (a band, a shaded stretch).
"""

from __future__ import annotations

import numpy as np
from rich.style import Style
from rich.text import Text

BRAILLE = 0x2800
_BITS = ((0x01, 0x02, 0x04, 0x40), (0x08, 0x10, 0x20, 0x80))
"""_BITS[x][y]: the dot in column x (0, 1), row y (0 at the top … 3) of a cell."""


class Canvas:
    """`width` × `height` cells; x and y in dots, y = 0 at the bottom."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = max(1, width), max(1, height)
        self.dots = np.zeros((self.height, self.width), dtype=np.int64)
        self.fg: list[list[Style | None]] = [[None] * self.width for _ in range(self.height)]
        self.bg: list[list[Style | None]] = [[None] * self.width for _ in range(self.height)]
        self.chars: dict[tuple[int, int], tuple[str, Style]] = {}

    @property
    def xdots(self) -> int:
        return self.width * 2

    @property
    def ydots(self) -> int:
        return self.height * 4

    def dot(self, x: int, y: int, style: Style) -> None:
        """Set one dot (silently ignoring dots off the canvas)."""
        if not (0 <= x < self.xdots and 0 <= y < self.ydots):
            return
        row = self.height - 1 - y // 4
        col = x // 2
        self.dots[row, col] |= _BITS[x % 2][3 - y % 4]
        self.fg[row][col] = style

    def line(self, xs: np.ndarray, ys: np.ndarray, style: Style) -> None:
        """A polyline through dot coordinates; NaN breaks it."""
        for i in range(len(xs)):  # a curve's points (a few hundred), not history rows
            if not (np.isfinite(xs[i]) and np.isfinite(ys[i])):
                continue
            x1, y1 = round(float(xs[i])), round(float(ys[i]))
            if i and np.isfinite(xs[i - 1]) and np.isfinite(ys[i - 1]):
                x0, y0 = round(float(xs[i - 1])), round(float(ys[i - 1]))
                steps = max(abs(x1 - x0), abs(y1 - y0), 1)
                for t in range(steps + 1):
                    self.dot(
                        round(x0 + (x1 - x0) * t / steps), round(y0 + (y1 - y0) * t / steps), style
                    )
            else:
                self.dot(x1, y1, style)

    def fill_cells(self, col0: int, col1: int, row0: int, row1: int, style: Style) -> None:
        """Background on cells [col0, col1] × [row0, row1] (rows counted from the bottom)."""
        for row in range(max(0, row0), min(self.height - 1, row1) + 1):
            r = self.height - 1 - row
            for col in range(max(0, col0), min(self.width - 1, col1) + 1):
                self.bg[r][col] = style

    def char(self, col: int, row: int, text: str, style: Style) -> None:
        """Put a character in a cell (rows from the bottom), if the cell has no dots."""
        if 0 <= col < self.width and 0 <= row < self.height:
            self.chars[(self.height - 1 - row, col)] = (text, style)

    def rows(self) -> list[Text]:
        """One Text per character row, top first."""
        lines = []
        for r in range(self.height):
            text = Text()
            for c in range(self.width):
                bits = int(self.dots[r, c])
                fg, bg = self.fg[r][c], self.bg[r][c]
                if bits:
                    glyph, style = chr(BRAILLE + bits), fg or Style()
                elif (r, c) in self.chars:
                    glyph, style = self.chars[(r, c)]
                else:
                    glyph, style = " ", Style()
                text.append(glyph, style + bg if bg else style)
            lines.append(text)
        return lines
