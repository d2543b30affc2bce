"""Text from data reaches the terminal as text: names, deck titles and rules cannot retitle a
terminal or become links; exports keep the exact bytes; no password is printed."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from drill.cli import main
from drill.names import LearnerNameError, check_learner_name
from drill.store.database import locate
from drill.store.history import History
from drill.text import cell, visible
from drill.tui.screens.session import SessionScreen
from tests.tui.test_session import make, text_of

TITLE_ESCAPE = "eve\x1b]2;PWNED\x1b\\"
LINK = "[link=https://evil.example]teacher[/link]"


def add_raw_learner(db: Path, name: str) -> None:
    """A name as an older drill (or another program) may have stored it, unchecked."""
    History.open(str(db)).close()
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO learners (name, created_at) VALUES (?, '2026-11-24 09:00')", [name]
        )


def test_visible_spells_out_control_characters() -> None:
    """ESC, C1 controls and bidi overrides become escapes; newlines stay in paragraphs only."""
    assert visible(TITLE_ESCAPE) == "eve\\x1b]2;PWNED\\x1b\\"
    assert visible("a\x9bb\u202ec") == "a\\x9bb\\u202ec"
    assert visible("one\ntwo\tthree") == "one\ntwo\tthree"
    assert cell("one\ntwo") == "one\\x0atwo"
    assert visible("Ré ♯ 𝄪 [b]x[/b]") == "Ré ♯ 𝄪 [b]x[/b]"


def test_learner_listing_shows_names_as_text(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`drill learners` prints an escape in a name as \\x1b and markup as the brackets typed."""
    add_raw_learner(db_path, TITLE_ESCAPE)
    add_raw_learner(db_path, LINK)
    assert main(["learners", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "eve\\x1b]2;PWNED" in out
    assert "[link=https://evil.example]teacher" in out  # as typed (the cell may be cut)


def test_export_keeps_the_exact_bytes(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An export is data: the stored name comes out byte for byte."""
    add_raw_learner(db_path, TITLE_ESCAPE)
    with sqlite3.connect(db_path) as conn:
        (learner_id,) = conn.execute("SELECT id FROM learners").fetchone()
    history = History.open(str(db_path))
    history.writer.start_session(learner_id, deck="modarith", fingerprint="f", domain="modarith",
                          params={}, kind="drill")  # fmt: skip
    history.close()
    assert main(["learners", "--db", str(db_path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["learner"] == TITLE_ESCAPE


def hostile_deck(drill_home: Path) -> None:
    """A deck whose title has markup and an escape, and whose rule text an escape."""
    deck = (Path(__file__).parents[1] / "decks" / "modarith.toml").read_text(encoding="utf-8")
    folder = drill_home / "decks"
    folder.mkdir(parents=True)
    title = json.dumps(f"[red]{TITLE_ESCAPE}[/red]")  # TOML reads JSON's \u001b escapes
    deck = deck.replace('title = "Modular arithmetic"', f"title = {title}")
    deck = deck.replace('text = """\n', 'text = """\n\\u001b]2;PWNED\\u0007', 1)
    assert "PWNED" in deck
    (folder / "evil.toml").write_text(deck, encoding="utf-8")


def test_deck_titles_and_rules_are_text(
    drill_home: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`drill decks` shows a title's markup and escapes as typed; `drill rule` too."""
    hostile_deck(drill_home)
    assert main(["decks"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "[red]eve\\x1b]2;PWNED" in out
    History.open(str(db_path)).close()
    assert main(["rule", "evil", "--force", "--db", str(db_path), "--learner", "ann"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "\\x1b]2;PWNED\\x07" in out


async def test_the_title_bar_shows_escapes_as_text(db_path: Path) -> None:
    """`drill start`'s title bar spells out an escape in a deck's title."""
    app, _clock, _history = make(db_path, f"title={TITLE_ESCAPE}")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert "eve\\x1b]2;PWNED" in text_of(app, "#title")


@pytest.mark.parametrize(
    ("name", "why"),
    [("", "empty"), ("  ", "empty"), ("a" * 201, "200"), ("a\x1bb", "control"),
     ("\udcff", "UTF-8")],
)  # fmt: skip
def test_names_no_backend_should_store(name: str, why: str, db_path: Path) -> None:
    """Empty, over-long, control-character and undecodable names are refused by the store
    itself, the same on SQLite as on PostgreSQL, before any database sees them."""
    with pytest.raises(LearnerNameError, match=why):
        check_learner_name(name)
    history = History.open(str(db_path))
    with pytest.raises(LearnerNameError, match=why):
        history.writer.learner_id(name)
    history.close()
    assert check_learner_name("a" * 200) == "a" * 200


def test_passwords_in_the_query_string_are_hidden() -> None:
    """?password= is hidden like the password before the host."""
    shown = locate("postgresql+psycopg://ann@db.example/drill?password=s3cret&sslmode=require")
    assert "s3cret" not in shown.display
    assert "sslmode=require" in shown.display
    assert "s3cret" in shown.secrets()


HOSTILE = "\x1b[2J\x1b]8;;file:///etc/passwd\x07x\u202e\x85"


def _exported_on_a_terminal(db: Path, *args: str) -> bytes:
    """What `drill export ARGS` puts on a real terminal (a pseudo-terminal)."""
    import os
    import pty
    import sys

    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(sys.executable, [sys.executable, "-m", "drill", "export", *args, "--db", str(db)])
    out = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.waitpid(pid, 0)
    os.close(fd)
    return out


def test_exports_escape_on_a_terminal_and_stay_exact_in_a_pipe(db_path: Path) -> None:
    """A response holding an escape sequence, a hyperlink and U+202E: on a terminal, both
    formats show it escaped (the JSON still parses to the same text); through a pipe the
    bytes are the data's."""
    from tests.command import run_drill
    from tests.store.test_history import attempt, new_session

    history = History.open(str(db_path))
    _, session_id = new_session(history, "ann")
    history.writer.record_attempt(session_id, attempt(1, response=HOSTILE))
    history.close()
    for fmt in ("jsonl", "csv"):
        shown = _exported_on_a_terminal(db_path, "--format", fmt).decode("utf-8")
        assert "\x1b" not in shown
        assert "\u202e" not in shown
        assert "\x85" not in shown
        assert ("\\u001b[2J" if fmt == "jsonl" else "\\x1b[2J") in shown
        piped = run_drill("export", "--format", fmt, "--db", str(db_path)).stdout
        assert HOSTILE in (json.loads(piped)["response"] if fmt == "jsonl" else piped)
    line = next(x for x in shown_lines(db_path) if x.startswith("{"))
    assert json.loads(line)["response"] == HOSTILE


def shown_lines(db: Path) -> list[str]:
    return _exported_on_a_terminal(db, "--format", "jsonl").decode("utf-8").splitlines()


def test_a_login_name_with_an_escape_is_shown_escaped(db_path: Path) -> None:
    """USER=$'x\\e[2J' (the default learner) and a deck file whose name holds an OSC
    sequence: `drill rule` and `drill simulate` print them escaped, never raw."""
    import os
    import shutil

    from tests.command import run_drill

    run_drill("simulate", "modarith", "--kind", "rule", "--items", "3", "--db", str(db_path))
    env = {**os.environ, "USER": "x\x1b[2J", "LOGNAME": "x\x1b[2J"}
    done = run_drill("rule", "modarith", "--db", str(db_path), env=env)
    assert "sealed for x\\x1b[2J" in done.stdout
    assert "\x1b" not in done.stdout + done.stderr
    deck = db_path.parent / "m\x1b]0;T\x07.toml"
    shutil.copy(Path(__file__).resolve().parents[1] / "decks" / "modarith.toml", deck)
    done = run_drill("simulate", str(deck), "--kind", "rule", "--items", "3", "--db", str(db_path))
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout + done.stderr
