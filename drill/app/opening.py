"""Opening the store off the first frame, one way for the session and the home screen.

Importing SQLAlchemy and opening (perhaps creating or upgrading) the database takes a
quarter of a second or more, so the first frame never waits for it: the screen starts the
opening in a background thread once it is drawn, and whoever needs the store first waits
for that opening, or runs it in its own thread if nobody started it. The opener runs once,
whatever the timing: one store, one session row.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future

T = TypeVar("T")


class Opening(Generic[T]):
    """A value made once by `opener`: in the background after `start()`, else on `get()`."""

    def __init__(self, opener: Callable[[], T], *, name: str = "drill-store") -> None:
        self._opener = opener
        self._name = name
        self._future: Future[T] | None = None
        self._lock = threading.Lock()

    @classmethod
    def of(cls, value: T) -> Opening[T]:
        """An opening already done."""
        opening = cls(lambda: value)
        opening._begin(background=False)
        return opening

    def _begin(self, *, background: bool) -> Future[T]:
        from concurrent.futures import Future  # off the start-up path: made when needed

        with self._lock:
            future, started = self._future, self._future is None
            if future is None:
                future = self._future = Future()
        if started:
            if background:
                threading.Thread(target=self._run, args=(future,), name=self._name).start()
            else:
                self._run(future)
        return future

    def _run(self, future: Future[T]) -> None:
        try:
            future.set_result(self._opener())
        except BaseException as err:  # handed to whoever waits on the opening
            future.set_exception(err)

    def start(self) -> None:
        """Begin opening in a background thread, unless it is open or opening already."""
        self._begin(background=True)

    def get(self) -> T:
        """The value; waits for a background opening (and re-raises its error)."""
        return self._begin(background=False).result()

    @property
    def ready(self) -> bool:
        """Opened, and without an error: `get()` returns at once."""
        future = self._future
        return future is not None and future.done() and future.exception() is None
