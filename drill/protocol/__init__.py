"""The session engine: scheduling, deadlines, probes, detection and the rule seal.

Pure and UI-free: it imports no Textual, rich or SQLAlchemy, and talks to history only
through the `HistoryPort` protocol, so the TUI, `drill simulate` and the tests all drive
the same code.
"""
