"""The terminal app (Textual): the only place drill imports Textual."""
