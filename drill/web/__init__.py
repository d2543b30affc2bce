"""drill in a browser: `drill serve` (textual-serve's server with drill's own doors)."""
