"""Turning history into figures: curves, plateaus, charts, exports (`drill report`).

- `load`: what the report reads, aggregated in SQL into bins of exposures (NumPy arrays);
- `curves`: rolling training accuracy, held-out accuracy with Wilson bands, response time
  and deadline, the network's curve, plateaus and marks, all on one axis of epochs;
- `canvas`: a braille canvas that draws lines in a rich renderable;
- `terminal`: the charts and the table for the terminal, and `small_curve` for the app;
- `picture`: the same charts as SVG or PNG (matplotlib, imported only there);
- `export`: the curves and events as JSON.

The shared axis and the windows are described in docs/report.md.
"""
