"""The dashboard's charts (pyqtgraph, imported only here in the client): bars over labelled
categories (the channels, the status mix) and the 24 hours of a day as bars with comparison
lines. Charts show what they were given; `values()` returns it (the tests read it back)."""

from __future__ import annotations

from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

BAR = "#1e88e5"
LINES = ("#fb8c00", "#8e24aa")  # yesterday, same weekday last week
pg.setConfigOptions(antialias=True, background="w", foreground="#3e4c59")


class _Chart(pg.PlotWidget):
    def __init__(self, name: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setTitle(title, size="11pt")
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.setMinimumHeight(180)
        self.showGrid(y=True, alpha=0.2)

    def _y_range(self, top: float) -> None:
        """0 to a little above the top; small counts tick by whole numbers."""
        axis = self.getAxis("left")
        if top <= 10:
            axis.setTickSpacing(2 if top > 5 else 1, 1)
        else:
            axis.setTickSpacing()
        self.setYRange(0, max(top, 1) * 1.15, padding=0)


class BarChart(_Chart):
    """One bar per labelled category."""

    def __init__(self, name: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(name, title, parent)
        self._values: list[tuple[str, float]] = []

    def show_bars(self, bars: Sequence[tuple[str, float]], color: str = BAR) -> None:
        self._values = list(bars)
        self.clear()
        xs = list(range(len(bars)))
        if bars:
            self.addItem(pg.BarGraphItem(x=xs, height=[v for _, v in bars], width=0.6,
                                         brush=color, pen=None))
        self.getAxis("bottom").setTicks([[(x, label) for x, (label, _) in zip(xs, bars,
                                                                               strict=True)]])
        self.setXRange(-0.6, max(len(bars), 4) - 0.4, padding=0)  # one bar stays a bar
        self._y_range(max([v for _, v in bars] + [1]))

    def values(self) -> list[tuple[str, float]]:
        return list(self._values)


class HourChart(_Chart):
    """Today's 24 hours as bars; yesterday and the same weekday last week as lines."""

    def __init__(self, name: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(name, title, parent)
        self.legend = self.addLegend(offset=(-10, 5))
        self._values: dict[str, list[float]] = {}

    def show_hours(self, bars: tuple[str, Sequence[float]],
                   lines: Sequence[tuple[str, Sequence[float]]]) -> None:
        self.clear()
        self.legend.clear()
        hours = list(range(24))
        name, heights = bars
        self._values = {name: list(heights)} | {n: list(v) for n, v in lines}
        self.addItem(pg.BarGraphItem(x=hours, height=list(heights), width=0.7, brush=BAR,
                                     pen=None, name=name))
        for (line_name, ys), color in zip(lines, LINES, strict=False):
            self.plot(hours, list(ys), pen=pg.mkPen(color, width=2), name=line_name,
                      symbol="o", symbolSize=4, symbolBrush=color, symbolPen=None)
        self.getAxis("bottom").setTicks([[(h, f"{h}") for h in range(0, 24, 2)]])
        top = max([v for values in self._values.values() for v in values] + [1])
        self.setXRange(-0.6, 23.6, padding=0)
        self._y_range(top)

    def values(self) -> dict[str, list[float]]:
        return {k: list(v) for k, v in self._values.items()}
