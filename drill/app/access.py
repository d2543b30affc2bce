"""Who may drill behind `drill serve`: the class code, each learner's resume key, tickets.

A class is opened with a code the teacher hands out. The first visitor to join under a
name becomes that learner and is given a resume key, kept in a cookie on that browser and
shown on the page, so that the same person can come back from another device. A visitor
who names a learner that already has a history must bring that learner's key (the
cookie, or `key=` in the link): one learner cannot act as another.

A key is an HMAC of the learner's name under the class's secret, not a row in the
history: several servers behind one proxy, on one database, agree on every key as long
as they share the secret ($DRILL_SERVE_SECRET), and nothing secret is ever written to
the history. A ticket is what a page hands its websocket: a random, short-lived,
single-use name for one admitted visit, so the websocket's URL carries no name or key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

KEY_LETTERS = 10
"""A key is 10 base-32 letters (50 bits), written as two groups of five."""
TICKET_SECONDS = 120.0
"""How long a page's ticket stays good: the page opens its websocket at once."""


def class_secret_name(code: str) -> str:
    """The file name of a class's secret: the code's hash, so no code is in a file name."""
    return hashlib.sha256(code.encode("utf-8")).hexdigest()[:16] + ".secret"


def learner_key(secret: bytes, code: str, learner: str) -> str:
    """The learner's resume key in this class: "K7P2Q-9XMAB"."""
    mac = hmac.new(secret, f"{code}\0{learner}".encode(), hashlib.sha256).digest()
    letters = base64.b32encode(mac).decode("ascii")[:KEY_LETTERS]
    return f"{letters[:5]}-{letters[5:]}"


def same_key(given: str, expected: str) -> bool:
    """Keys compare without case, spaces or dashes (people type them), in constant time."""
    clean = given.upper().replace("-", "").replace(" ", "")
    return hmac.compare_digest(clean.encode(), expected.replace("-", "").encode())


@dataclass(frozen=True)
class Admission:
    """The answer to a visitor: admitted as `learner` (with the key to keep), or refused
    with one line that says why and what to do."""

    learner: str = ""
    key: str = ""
    refused: str = ""
    new: bool = False
    """The visitor became this learner just now (the key is shown so it can be kept)."""


class Gate:
    """Admits visitors to one class."""

    def __init__(self, code: str, secret: bytes, known: Callable[[str], bool]) -> None:
        """`known(name)`: whether the history already holds that learner."""
        self.code = code
        self.secret = secret
        self.known = known

    def key(self, learner: str) -> str:
        return learner_key(self.secret, self.code, learner)

    def admit(self, code: str, learner: str, key: str = "") -> Admission:
        from drill.errors import UserError
        from drill.names import check_learner_name

        if not hmac.compare_digest(code.strip().encode(), self.code.encode()):
            return Admission(refused="That is not this class's code: check it with your teacher.")
        try:
            learner = check_learner_name(learner.strip(), "name")
        except UserError as err:
            return Admission(refused=str(err))
        expected = self.key(learner)
        if key and same_key(key, expected):
            return Admission(learner, expected)
        if self.known(learner):
            why = "wrong" if key else "needed"
            return Admission(
                refused=f"{learner!r} already drills here: their resume key is {why}. "
                "Type it below, or pick another name."
            )
        return Admission(learner, expected, new=True)


@dataclass(frozen=True)
class Visit:
    """One admitted visit: whose, and what to open (a deck, or the home screen)."""

    learner: str
    deck: str | None = None
    board: bool = False
    """The teacher's board instead of a learner's drill."""


class Tickets:
    """Single-use tickets from a page to its websocket, good for TICKET_SECONDS."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._open: dict[str, tuple[float, Visit]] = {}

    def issue(self, visit: Visit) -> str:
        now = self.clock()
        self._open = {t: v for t, v in self._open.items() if v[0] > now}
        ticket = secrets.token_urlsafe(18)
        self._open[ticket] = (now + TICKET_SECONDS, visit)
        return ticket

    def redeem(self, ticket: str) -> Visit | None:
        held = self._open.pop(ticket, None)
        if held is None or held[0] <= self.clock():
            return None
        return held[1]
