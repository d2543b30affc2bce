"""`drill ...` run in the test's own interpreter, with what a shell would give it.

Starting Python and importing SQLAlchemy costs about half a second a command, so a table
of bad commands run as processes spends most of its time starting interpreters.
`run_drill` calls the `drill.cli.main` that `python -m drill` calls, with the command's
environment, working folder and standard streams (stdin empty and not a terminal, stdout
strict UTF-8, stderr with backslash escapes, as Python's own are), and turns its exit into
a return code. Anything that escapes `main` would be a traceback in a real process, so it
fails the test. What only a real process shows (signals, terminals, locks held by other
processes, permissions as another user) is still tested with one.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from drill.cli import main


class _Stream(io.TextIOWrapper):
    """A standard stream into bytes that outlives `close()` (drill closes stderr on a broken
    pipe), so that what was written can still be read."""

    def __init__(self, errors: str) -> None:
        super().__init__(io.BytesIO(), encoding="utf-8", errors=errors, write_through=True)

    def close(self) -> None:
        self.flush()

    def text(self) -> str:
        self.flush()
        buffer = self.buffer
        assert isinstance(buffer, io.BytesIO)
        return buffer.getvalue().decode("utf-8", "replace")


@contextmanager
def _shell(env: Mapping[str, str] | None, cwd: Path | None) -> Iterator[None]:
    """The environment and working folder of one command, put back afterwards."""
    saved_env = dict(os.environ)
    saved_cwd = os.getcwd()
    new_tz = env is not None and env.get("TZ") != saved_env.get("TZ")
    if env is not None:
        os.environ.clear()
        os.environ.update(env)
    if new_tz:
        time.tzset()
    if cwd is not None:
        os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        if new_tz:
            time.tzset()


def run_drill(
    *args: str, env: Mapping[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `drill ARGS...` as `subprocess.run(..., capture_output=True, text=True)` would."""
    out, err = _Stream("strict"), _Stream("backslashreplace")
    streams = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(""), out, err
    try:
        with _shell(env, cwd):
            try:
                code: object = main(list(args))
            except SystemExit as exit:
                code = exit.code
    finally:
        sys.stdin, sys.stdout, sys.stderr = streams
    if code is None:
        code = 0
    elif not isinstance(code, int):  # SystemExit("message"): Python prints it, exit 1
        err.write(f"{code}\n")
        code = 1
    return subprocess.CompletedProcess(["drill", *args], code, out.text(), err.text())
