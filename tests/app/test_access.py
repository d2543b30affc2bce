"""Who may drill behind `drill serve`: the class code, the learners' keys, the tickets."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from drill.app.access import Gate, Tickets, Visit, learner_key, same_key


def gate(taken: set[str] | None = None) -> Gate:
    names = set() if taken is None else taken

    def known(name: str) -> bool:
        if name in names:
            return True
        names.add(name)  # as the server does: the first visitor takes the name
        return False

    return Gate("maths-3b", b"s" * 32, known)


def test_a_new_name_is_admitted_with_its_key() -> None:
    """The first visitor under a name becomes that learner and is told their key."""
    admitted = gate().admit("maths-3b", "ana")
    assert admitted.learner == "ana"
    assert admitted.new
    assert not admitted.refused
    assert admitted.key == learner_key(b"s" * 32, "maths-3b", "ana")


def test_a_taken_name_needs_its_key() -> None:
    """One learner cannot act as another: a taken name without its key is refused, with
    the key it is admitted (typed in any case, with or without the dash)."""
    door = gate({"ana"})
    refused = door.admit("maths-3b", "ana")
    assert refused.refused
    assert "resume key" in refused.refused
    assert not refused.learner
    wrong = door.admit("maths-3b", "ana", "AAAAA-AAAAA")
    assert "wrong" in wrong.refused
    key = door.key("ana")
    for typed in (key, key.lower(), key.replace("-", ""), f" {key[:5]} {key[6:]} "):
        assert door.admit("maths-3b", "ana", typed).learner == "ana"


def test_a_wrong_code_or_a_bad_name_is_refused_in_one_line() -> None:
    """The class code must match, and the name must be one the history can hold."""
    door = gate()
    assert "code" in door.admit("maths-3a", "ana").refused
    assert door.admit("maths-3b", "  ").refused
    assert "control" in door.admit("maths-3b", "a\x1b[2Jb").refused
    assert all("\n" not in door.admit(c, n).refused for c, n in [("x", "a"), ("maths-3b", "")])


@given(st.text(min_size=1, max_size=40), st.text(min_size=1, max_size=40))
def test_keys_differ_between_learners_and_classes(a: str, b: str) -> None:
    """A key opens one learner in one class: another learner's or class's never matches."""
    secret = b"k" * 32
    if a != b:
        assert not same_key(learner_key(secret, "c", a), learner_key(secret, "c", b))
        assert not same_key(learner_key(secret, a, "ana"), learner_key(secret, b, "ana"))
    assert same_key(learner_key(secret, "c", a), learner_key(secret, "c", a))


def test_a_ticket_is_single_use_and_expires() -> None:
    """A page's ticket opens one websocket, once, and not after it has gone stale."""
    now = [0.0]
    tickets = Tickets(clock=lambda: now[0])
    visit = Visit("ana", "modarith")
    first = tickets.issue(visit)
    assert tickets.redeem(first) == visit
    assert tickets.redeem(first) is None
    stale = tickets.issue(visit)
    now[0] += 1000
    assert tickets.redeem(stale) is None
    assert tickets.redeem("made-up") is None
