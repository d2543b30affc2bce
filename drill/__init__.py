"""drill: a terminal drill trainer that applies the grokking protocol to people."""

__version__ = "0.1.0"
