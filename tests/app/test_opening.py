"""The one way drill opens its store off the first frame: once, whoever asks first."""

from __future__ import annotations

import threading

import pytest

from drill.app.opening import Opening


def test_the_opener_runs_once_however_many_ask() -> None:
    """A background start and several waiting threads share one opening and one value."""
    calls: list[int] = []
    release = threading.Event()

    def opener() -> object:
        release.wait(timeout=30)
        calls.append(1)
        return object()

    opening: Opening[object] = Opening(opener)
    opening.start()
    opening.start()  # a second start does nothing
    got: list[object] = []
    waiters = [threading.Thread(target=lambda: got.append(opening.get())) for _ in range(4)]
    for waiter in waiters:
        waiter.start()
    assert not opening.ready
    release.set()
    for waiter in waiters:
        waiter.join(timeout=30)
    assert len(calls) == 1
    assert len(got) == 4
    assert all(value is got[0] for value in got)
    assert opening.ready


def test_an_error_reaches_whoever_waits() -> None:
    """The opener's error is raised by `get`, in the caller's thread, every time."""

    def opener() -> object:
        raise ValueError("damaged")

    opening: Opening[object] = Opening(opener)
    opening.start()
    for _ in range(2):
        with pytest.raises(ValueError, match="damaged"):
            opening.get()
    assert not opening.ready


def test_an_open_value_is_ready() -> None:
    """A value already open is ready and returned as it is."""
    value = object()
    assert Opening.of(value).ready
    assert Opening.of(value).get() is value
