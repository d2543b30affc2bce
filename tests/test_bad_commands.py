"""Every bad command a careless or hostile person might type: one line, a non-zero exit.

The table is the list: each row is the command line (leading NAME=VALUE words set the
environment) and a piece of text the one line on stderr must contain. `{tmp}` is a folder
of prepared bad files (see `bad_files`), `{ff}` the bytes 0xff 0xfe, which are not UTF-8.
A new bad input is a new row.

Every row runs through `drill.cli.main` in this interpreter (tests/command.py), and a few,
one of each kind, also as a real `python -m drill` process.
"""

from __future__ import annotations

import gzip
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.command import run_drill

START = "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1"
NOT_UTF8 = os.fsdecode(b"\xff\xfe")
ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
SECRET = "SECRETPW"
NO_SERVER = "postgresql+psycopg://u@127.0.0.1:1/x"
"""Nothing listens on port 1: the connection is refused at once."""
REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.xdist_group("bad-commands")  # one worker makes the bad files once

CASES = [
    # non-finite numbers, naming the key
    ("items modarith -p rule.known=nan", "rule.known: expected a number"),
    ("items modarith -p shrink=nan", "shrink"),
    ("items modarith -p ease=inf", "ease"),
    ("items modarith -p probe_rate=nan", "probe_rate"),
    ("items modarith -p heldout_fraction=-inf", "heldout_fraction"),
    ("items {tmp}/nan.toml", "heldout_fraction"),
    ("items modarith -p rule.window=5", "rule.window: expected an integer from 10 to 200"),
    ("serve --class ' '", "--class: give a code of 1 to 100 printable characters"),
    ("serve --class C --port 70000", "--port: expected 1 to 65535, got 70000"),
    ("serve --class C --max-visitors 0", "--max-visitors: expected at least 1, got 0"),
    # dates, seeds and counts out of range
    ("report --since 0001-01-01", "--since"),
    ("TZ=Pacific/Kiritimati report --since 9999-12-31T23:59", "--since"),
    ("TZ=America/Adak report --since 9999-12-31T23:59", "--since"),
    ("simulate modarith --kind network --seed -1", "--seed"),
    ("simulate modarith --kind rule --accuracy nan", "--accuracy"),
    ("simulate modarith --kind rule --accuracy 1.5", "--accuracy"),
    ("simulate modarith --kind rule --rt 0", "--rt"),
    ("simulate modarith --kind rule --rt inf", "--rt"),
    ("simulate modarith --kind lookup --seed 99999999999999999999999", "--seed"),
    # learner names
    ("simulate modarith --kind lookup --items 5 --learner {ff}", "UTF-8"),
    ("export --learner {ff} --db {tmp}/history.db", "UTF-8"),
    ("report --learner {ff} --db {tmp}/history.db", "UTF-8"),
    ("rule modarith --learner {ff} --db {tmp}/history.db", "UTF-8"),
    ("simulate modarith --kind lookup --items 5 --learner ''", "empty"),
    ("report --learner '' --db {tmp}/history.db", "empty"),
    ("rule modarith --learner '' --db {tmp}/history.db", "empty"),
    ("export --learner '' --db {tmp}/history.db", "empty"),
    ("simulate modarith --kind lookup --items 5 --learner " + "x" * 201, "200"),
    ("simulate modarith --kind lookup --items 5 --learner $'a\\nb'", "control"),
    # lichess imports
    ("import lichess {tmp}/huge-field.csv", "huge-field.csv"),
    ("import lichess tests/fixtures/lichess-puzzles.csv --limit -5", "--limit"),
    ("DRILL_HOME={tmp}/clash import lichess tests/fixtures/lichess-puzzles.csv", "clash"),
    ("DRILL_HOME={tmp}/ro-home import lichess tests/fixtures/lichess-puzzles.csv", "ro-home"),
    # generate chess --output
    ("generate chess --no-engine -n 1 --output {tmp}", "folder"),
    ("generate chess --no-engine -n 1 --output {tmp}/ro/x.jsonl.gz", "ro"),
    # puzzle and deck files
    ("items chess --spoil -p puzzles={tmp}/junk.jsonl.gz", "not a readable gzip file"),
    ("items chess --spoil -p puzzles={tmp}/list.jsonl", "list.jsonl:1"),
    ("items chess --spoil -p puzzles={tmp}/illegal.jsonl", "e2e5 is illegal"),
    ("items chess --spoil -p puzzles={tmp}/empty.jsonl", "empty.jsonl:1"),
    ("items chess --spoil -p puzzles={tmp}/nofen.jsonl", "not a position"),
    ("items chess --spoil -p puzzles={tmp}/notuci.jsonl", "notuci.jsonl:1"),
    ("items chess --spoil -p puzzles=/dev/zero", "/dev/zero"),
    ("items chess --spoil -p puzzles={tmp}/fifo", "fifo"),
    ("items {tmp}/fifo.toml", "fifo.toml"),
    ("items /dev/zero.toml", "zero.toml"),
    ("items chess --spoil -p motifs=zzz", "zzz"),
    # database URLs: refused in one line, never a password
    ("DRILL_DATABASE_URL=sqlite:///{tmp}/x.db?timeout=abc learners", "timeout"),
    ("DRILL_DATABASE_URL=sqlite://u:pw@/x.db learners", "sqlite"),
    ("DRILL_DATABASE_URL=postgresql:/u:" + SECRET + "@127.0.0.1/x db check", "URL"),
    ("DRILL_DATABASE_URL=mysql://u@localhost/x learners", "mysql"),
    ("DRILL_DATABASE_URL=postgresql+psycopg2://u@127.0.0.1/x learners", "psycopg"),
    ("DRILL_DATABASE_URL=postgresql+pg8000://u@127.0.0.1/x learners", "psycopg"),
    (f"DRILL_DATABASE_URL={NO_SERVER}?password={SECRET} learners", "password=***"),
    ("learners --db postgresql://u:" + SECRET + "@127.0.0.1:1/x", "127.0.0.1"),
    # commands that only read refuse a missing database
    ("export --db {tmp}/missing/typo.db", "typo.db"),
    ("export --db {tmp}/a:b.db", "a:b.db: no such database"),  # a colon, yet a file name
    ("report --db {tmp}/missing/typo.db", "typo.db"),
    ("rule modarith --db {tmp}/missing/typo.db", "typo.db"),
    ("learners --db {tmp}/missing/typo.db", "typo.db"),
    ("db check --db {tmp}/missing/typo.db", "typo.db"),
    # studies
    ("study status nope --db {tmp}/history.db", "no study named 'nope'"),
    ("study report nope --db {tmp}/missing/typo.db", "typo.db"),
    ("study new s --deck modarith --arms protocol,zen --db {tmp}/history.db", "zen"),
    ("study new s --deck modarith --arms protocol --db {tmp}/history.db", "two or more"),
    ("study new s --file {tmp}/fifo.toml --db {tmp}/history.db", "fifo.toml"),
    ("study new s --file /dev/zero --db {tmp}/history.db", "/dev/zero"),
    ("study new s --deck modarith --arms protocol,few --seed -1", "--seed"),
    ("study simulate nope --kind lookup --learners 0 --db {tmp}/history.db", "--learners"),
    # backups go to regular files only
    ("db backup {tmp}/fifo --force --db {tmp}/history.db", "regular file"),
    # issue 26's tracebacks and untrue messages: one true line each
    ("simulate {tmp}/deep.toml --kind rule --items 5", "nest too deeply"),
    ("items {tmp}/deep.toml", "nest too deeply"),
    ("import lichess {tmp}/corrupt.csv.gz --name c", "not a readable gzip file"),
    ("import lichess {tmp}/bomb.csv.gz --name b", "inflates past 64 MB"),
    ("export --db file:{tmp}/history.db?mode=ro", "no such database"),  # a file of that name
    ("export --db {tmp}/" + "a" * 300 + ".db", "name is too long"),
    ("simulate modarith --kind rule --items 3 --db {tmp}/" + "a" * 300, "name is too long"),
    ("export --db /proc/self/mem", "not a regular file"),
    ("simulate modarith --kind rule --items 3 --db /proc/self/mem", "not a regular file"),
    ("simulate modarith --kind rule --items 3 --db /dev/null", "not a regular file"),
    ("learners --db /dev/null", "not a regular file"),
    ("export --db ''", "--db: expected"),
    ("items {tmp}/bigseed.toml", "below 2**63"),
    ("report modarith --db {tmp}/history.db --learner someone --output {tmp}/nan.toml.svg",
     "already exists"),
    ("simulate modarith --kind rule --items 3 --db ''", "--db: expected"),
]  # fmt: skip


def puzzle_line(**fields: object) -> str:
    return json.dumps({"fen": START, "solution": ["e2e4"], "motif": "tactic", **fields}) + "\n"


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of every bad file the table names, and one good history database."""
    tmp = tmp_path_factory.mktemp("bad")
    (tmp / "junk.jsonl.gz").write_bytes(gzip.compress(b"x" * 5000)[:12])
    (tmp / "list.jsonl").write_text("[1, 2, 3]\n")
    (tmp / "illegal.jsonl").write_text(puzzle_line(solution=["e2e5"]))
    (tmp / "empty.jsonl").write_text(puzzle_line(solution=[]))
    (tmp / "nofen.jsonl").write_text(puzzle_line(fen="not a position"))
    (tmp / "notuci.jsonl").write_text(puzzle_line(solution=["e4"]))
    os.mkfifo(tmp / "fifo")
    os.mkfifo(tmp / "fifo.toml")
    deck = (REPO / "decks" / "modarith.toml").read_text(encoding="utf-8")
    (tmp / "nan.toml").write_text(
        "heldout_fraction = nan\n" + deck.replace("heldout_fraction", "#")
    )
    header = "PuzzleId,FEN,Moves,Rating,RatingDeviation,Popularity,NbPlays,Themes,GameUrl\n"
    (tmp / "bigseed.toml").write_text(
        deck.replace("seed = 1\n", "seed = " + "1234567890" * 3 + "\n")
    )
    (tmp / "nan.toml.svg").write_text("a picture the learner keeps")
    (tmp / "deep.toml").write_text("a = " + "[" * 5000 + "]" * 5000 + "\n" + deck)
    good = gzip.compress(b"PuzzleId,FEN,Moves\n" * 1000)
    (tmp / "corrupt.csv.gz").write_bytes(good[:100] + b"\x00" * 50 + good[150:])
    with gzip.open(tmp / "bomb.csv.gz", "wb", compresslevel=9) as bomb:  # 2 GB in a real one
        for _ in range(80):
            bomb.write(bytes(1 << 20))
    (tmp / "huge-field.csv").write_text(header + "x," + "y" * 200_000 + ",e2e4 e7e5,1500\n")
    (tmp / "clash" / "decks" / "lichess.toml").mkdir(parents=True)
    (tmp / "ro-home" / "decks").mkdir(parents=True)
    (tmp / "ro-home" / "decks").chmod(0o555)
    (tmp / "ro").mkdir()
    (tmp / "ro").chmod(0o555)
    env = {**os.environ, "DRILL_HOME": str(tmp / "home")}
    made = run_drill(
        *[
            "simulate",
            "modarith",
            "--kind",
            "lookup",
            "--items",
            "5",
            "--learner",
            "someone",
            "--db",
        ],
        str(tmp / "history.db"),
        env=env,
    )
    assert made.returncode == 0, made.stderr
    return tmp


def command(row: str, tmp: Path) -> tuple[list[str], dict[str, str]]:
    """The row's words (after shell quoting) and the environment it sets."""
    words = shlex.split(row.replace("{tmp}", str(tmp)).replace("$'a\\nb'", "'a\nb'"))
    words = [w.replace("{ff}", NOT_UTF8) for w in words]
    env = {**os.environ, "DRILL_HOME": str(tmp / "home")}
    env.pop("DRILL_DB", None)
    env.pop("DRILL_DATABASE_URL", None)
    while words and "=" in words[0] and words[0].split("=")[0].isupper():
        key, _, value = words.pop(0).partition("=")
        env[key] = value
    return words, env


def assert_one_line(done: subprocess.CompletedProcess[str], expected: str, tmp: Path) -> None:
    """A non-zero exit, one line on stderr that says what, no traceback, no secret, no litter."""
    assert done.returncode != 0, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("drill: "), done.stderr
    assert expected in lines[0], done.stderr
    assert SECRET not in done.stderr + done.stdout
    assert not (tmp / "missing").exists()
    assert not list(tmp.glob("*.tmp"))


def skip_where_root_writes_anyway(row: str) -> None:
    if ROOT and ("ro-home" in row or "/ro/" in row):
        pytest.skip("root may write to read-only folders")


@pytest.mark.parametrize(("row", "expected"), CASES, ids=[row for row, _ in CASES])
def test_bad_command_says_one_line(row: str, expected: str, bad_files: Path) -> None:
    """The command exits non-zero with one line on stderr that says what, and no traceback."""
    skip_where_root_writes_anyway(row)
    words, env = command(row, bad_files)
    assert_one_line(run_drill(*words, env=env, cwd=REPO), expected, bad_files)


def row_starting(text: str) -> tuple[str, str]:
    return next(case for case in CASES if case[0].startswith(text))


IN_REAL_PROCESSES = [
    row_starting("items modarith -p rule.known"),  # a parameter
    row_starting("TZ=Pacific"),  # a time zone, read when the process starts
    row_starting("simulate modarith --kind lookup --items 5 --learner {ff}"),  # argv not UTF-8
    row_starting("items chess --spoil -p puzzles={tmp}/fifo"),  # a FIFO never waited on
    row_starting(f"DRILL_DATABASE_URL={NO_SERVER}?password"),  # a secret in the environment
    row_starting("export --db {tmp}/missing"),  # a database that is not there
]


@pytest.mark.parametrize(
    ("row", "expected"), IN_REAL_PROCESSES, ids=[row for row, _ in IN_REAL_PROCESSES]
)
def test_bad_command_in_a_real_process(row: str, expected: str, bad_files: Path) -> None:
    """The same, from `python -m drill` itself: its exit status and its stderr as written."""
    words, env = command(row, bad_files)
    done = subprocess.run(
        [sys.executable, "-m", "drill", *words],
        env=env,
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=120,
        check=False,
    )
    text = subprocess.CompletedProcess(
        done.args,
        done.returncode,
        done.stdout.decode("utf-8", "replace"),
        done.stderr.decode("utf-8", "replace"),
    )
    assert_one_line(text, expected, bad_files)


def test_an_ascii_terminal_gets_one_line(tmp_path: Path) -> None:
    """PYTHONIOENCODING=ascii and a learner named in Unicode: one line, not a traceback."""
    db = str(tmp_path / "h.db")
    made = run_drill("simulate", "modarith", "--kind", "rule", "--items", "3", "--learner",
                     "é…", "--db", db)  # fmt: skip
    assert made.returncode == 0, made.stderr
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    for args in (["learners"], ["export"]):
        done = subprocess.run(
            [sys.executable, "-m", "drill", *args, "--db", db],
            capture_output=True, text=True, env=env, check=False, timeout=120,
        )  # fmt: skip
        assert done.returncode == 1
        assert done.stderr.splitlines() == [done.stderr.strip()]
        assert "encoding (ascii)" in done.stderr
        assert "Traceback" not in done.stderr


def test_a_full_disk_on_the_output_is_one_line(tmp_path: Path) -> None:
    """`drill export > /dev/full`: one line and status 1 (once OSError 28, a traceback)."""
    db = str(tmp_path / "h.db")
    assert (
        run_drill("simulate", "modarith", "--kind", "rule", "--items", "3", "--db", db).returncode
        == 0
    )
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "drill", "export", "--db", db],
            stdout=full, stderr=subprocess.PIPE, text=True, check=False, timeout=120,
        )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.strip() == "drill: the output: cannot write (No space left on device)"
