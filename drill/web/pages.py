"""The few plain pages `drill serve` shows before a visitor's drill opens: join, full,
refused. Every value from a visitor is escaped; no page loads anything from outside."""

from __future__ import annotations

from html import escape

STYLE = """
body { background: #0c181f; color: #e8eef2; font: 17px/1.5 system-ui, sans-serif;
       display: flex; align-items: center; justify-content: center; min-height: 100vh;
       margin: 0; }
main { background: #12232d; padding: 2em 2.5em; border-radius: 8px; max-width: 32em; }
h1 { font-size: 1.4em; margin-top: 0; }
label { display: block; margin-top: 1em; }
input { font: inherit; width: 100%; box-sizing: border-box; padding: .4em;
        border-radius: 4px; border: 1px solid #4a6272; background: #0c181f; color: inherit; }
button { font: inherit; margin-top: 1.4em; padding: .5em 1.6em; border: 0;
         border-radius: 4px; background: #3a7ca5; color: white; cursor: pointer; }
.refused { color: #ffb4a8; }
.quiet { color: #9fb3c0; font-size: .9em; }
"""


def page(title: str, body: str, status_line: str = "") -> str:
    """A whole small page around `body` (already escaped HTML)."""
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><main>{status_line}{body}</main></body></html>"
    )


def join_page(
    *, code: str = "", learner: str = "", deck: str = "", refused: str = "", ask_key: bool = False
) -> str:
    """The form a visitor fills in: the class code and a name (and a resume key when the
    name is taken). It submits to the same address, as a link would carry it."""
    why = f"<p class='refused' role='alert'>{escape(refused)}</p>" if refused else ""
    key_field = (
        "<label>Resume key <input name='key' autocomplete='off' placeholder='ABCDE-FGHJK'></label>"
        if ask_key
        else ""
    )
    deck_field = f"<input type='hidden' name='deck' value='{escape(deck)}'>" if deck else ""
    body = (
        "<h1>drill: join your class</h1>"
        "<p>Type the class code your teacher gave you and your name. Your answers are "
        "saved as you go; closing the page loses nothing.</p>"
        f"{why}<form method='get' action='/'>"
        f"<label>Class code <input name='class' value='{escape(code)}' required "
        "autocomplete='off'></label>"
        f"<label>Your name <input name='learner' value='{escape(learner)}' required "
        "maxlength='200'></label>"
        f"{key_field}{deck_field}<button type='submit'>Join</button></form>"
    )
    return page("drill: join", body)


def full_page(limit: int) -> str:
    body = (
        "<h1>The class is full right now</h1>"
        f"<p>{limit} people are drilling, as many as this server takes at once. "
        "Try again in a minute: a place frees as soon as someone leaves.</p>"
    )
    return page("drill: full", body)


def refused_page(title: str, line: str) -> str:
    return page(f"drill: {title}", f"<h1>{escape(title)}</h1><p>{escape(line)}</p>")


def banner(learner: str, key: str, new: bool) -> str:
    """The line above a learner's drill: who they are, and the key to come back with."""
    keep = " Keep it: it is how you come back on another device." if new else ""
    return (
        f"drilling as <b>{escape(learner)}</b> · resume key <b class='key'>{escape(key)}</b>.{keep}"
    )
