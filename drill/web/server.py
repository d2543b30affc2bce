"""`drill serve`: drill's own TUI in a browser, one process per visitor, one history.

Built on textual-serve's `Server` and `AppService` (the browser terminal, the websocket
protocol and the per-visitor process are theirs); drill adds who may come in (the class
code and each learner's key, `drill.web.access`), which command a visit runs, one live
process per learner (a reload ends the old one, and with it its claim on the deck, before
the new one starts), a cap on visitors, and a process that never outlives its visitor.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os
import signal
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from drill.app.access import Admission, Gate, Tickets, Visit
from drill.web import pages

log = logging.getLogger("drill.serve")

STOP_SECONDS = 3.0
"""How long a visitor's process has to end by itself before it is killed."""
COOKIE_PREFIX = "drill-key-"


@dataclass(frozen=True)
class ServeConfig:
    """What `drill serve` was started with."""

    code: str
    secret: bytes
    db_env: Mapping[str, str]
    """The environment that points a visitor's drill at the one history (no --db on a
    command line, where `ps` would show a PostgreSQL password)."""
    host: str = "127.0.0.1"
    port: int = 8000
    max_visitors: int = 40
    teacher_token: str = ""
    public_url: str | None = None


class VisitorProcess(AppService):
    """One visitor's drill: started with exec (no shell between), in a session of its
    own so that ending it ends everything it started, and stopped within STOP_SECONDS."""

    def __init__(self, argv: list[str], env: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(" ".join(argv), **kwargs)
        self.argv = argv
        self.extra_env = dict(env)

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width, height)
        environment.update(self.extra_env)
        return environment

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Any:
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width=width, height=height),
            start_new_session=True,
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    async def end(self) -> None:
        """Ask the app to quit; past STOP_SECONDS, kill its whole process group."""
        try:
            await asyncio.wait_for(self.stop(), STOP_SECONDS)
        except Exception:  # a dead pipe, a hung app (TimeoutError): kill it
            pass
        process = self._process
        if process is not None and process.returncode is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                await asyncio.wait_for(process.wait(), STOP_SECONDS)
            except TimeoutError:
                log.error("visitor process %s did not end", process.pid)


class ClassServer(Server):
    """A class: visitors join with the code and a name, and drill as that learner."""

    def __init__(self, config: ServeConfig, known: Callable[[str], bool]) -> None:
        here = Path(__file__).resolve().parent
        import textual_serve

        statics = Path(textual_serve.__file__).resolve().parent / "static"
        super().__init__(
            "drill",
            host=config.host,
            port=config.port,
            title="drill",
            public_url=config.public_url,
            statics_path=statics,
            templates_path=here / "templates",
        )
        self.config = config
        self.gate = Gate(config.code, config.secret, known)
        self.tickets = Tickets()
        self.live: dict[str, VisitorProcess] = {}
        """The one live process of each learner (and "" for the teacher's board)."""
        self.starting = 0

    async def _make_app(self) -> web.Application:
        app = web.Application()
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.get("/teacher", self.handle_teacher, name="teacher"),
                web.get("/ws/{ticket}", self.handle_websocket, name="websocket"),
                web.static("/static", self.statics_path, name="static"),
            ]
        )
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        return app

    async def on_startup(self, app: web.Application) -> None:
        print(f"drill: serving the class on {self.public_url} (Ctrl+C to stop)", flush=True)

    async def on_shutdown(self, app: web.Application) -> None:
        await asyncio.gather(*(p.end() for p in list(self.live.values())))

    def initialize_logging(self) -> None:
        logging.basicConfig(level=logging.WARNING, format="drill serve: %(message)s")

    @property
    def busy(self) -> int:
        return len(self.live) + self.starting

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        query = request.query
        code, learner = query.get("class", ""), query.get("learner", "")
        deck = query.get("deck", "").strip() or None
        if not code or not learner:
            return _html(pages.join_page(code=code, learner=learner, deck=deck or ""))
        key = query.get("key", "") or request.cookies.get(_cookie_name(learner), "")
        admitted = await asyncio.to_thread(self.gate.admit, code, learner, key)
        if admitted.refused:
            return _html(
                pages.join_page(
                    code=code,
                    learner=learner,
                    deck=deck or "",
                    refused=admitted.refused,
                    ask_key="key" in admitted.refused,
                ),
                status=403,
            )
        if deck is not None and not _deck_exists(deck):
            return _html(pages.refused_page("No such deck", f"drill has no deck {deck!r}."), 404)
        if self.busy >= self.config.max_visitors and admitted.learner not in self.live:
            return _html(pages.full_page(self.config.max_visitors), status=503)
        ticket = self.tickets.issue(Visit(admitted.learner, deck))
        response = self._terminal_page(request, ticket, _banner(admitted))
        response.set_cookie(
            _cookie_name(admitted.learner),
            admitted.key,
            max_age=400 * 24 * 3600,
            httponly=True,
            samesite="Lax",
        )
        return response

    async def handle_teacher(self, request: web.Request) -> web.StreamResponse:
        token = self.config.teacher_token
        given = request.query.get("token", "")
        if not token or not hmac.compare_digest(given.encode(), token.encode()):
            line = "This page needs the teacher's token that `drill serve` printed."
            return _html(pages.refused_page("Teacher's board", line), status=403)
        ticket = self.tickets.issue(Visit("", board=True))
        return self._terminal_page(request, ticket, "the class board · refreshes by itself")

    def _terminal_page(self, request: web.Request, ticket: str, banner: str) -> web.Response:
        router = request.app.router
        font_size = to_int(request.query.get("fontsize", "16"), 16)
        base = self.public_url
        ws = base.replace("https:", "wss:", 1).replace("http:", "ws:", 1)
        context = {
            "font_size": font_size,
            "app_websocket_url": f"{ws}{router['websocket'].url_for(ticket=ticket)}",
            "config": {"static": {"url": f"{base}{router['static'].url_for(filename='/')}"}},
            "application": {"name": "drill"},
            "banner": banner,
        }
        return aiohttp_jinja2.render_template("app_index.html", request, context)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        visit = self.tickets.redeem(request.match_info["ticket"])
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        if visit is None:
            await websocket.close(message=b"this page is stale: reload it")
            return websocket
        slot = visit.learner if not visit.board else ""
        self.starting += 1
        try:
            old = self.live.pop(slot, None)
            if old is not None:  # a reload, or the same learner in a new tab
                await old.end()
            process = VisitorProcess(
                self.command_for(visit),
                self.config.db_env,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
            )
            width = to_int(request.query.get("width", "80"), 80)
            height = to_int(request.query.get("height", "24"), 24)
            await process.start(width, height)
            self.live[slot] = process
        finally:
            self.starting -= 1
        try:
            await self._process_messages(websocket, process)
        except Exception as error:  # a browser that sent garbage: end its visit
            log.warning("visit ended: %s", error)
        finally:
            if self.live.get(slot) is process:
                del self.live[slot]
            await process.end()
            if not websocket.closed:
                await websocket.close()
        return websocket

    def command_for(self, visit: Visit) -> list[str]:
        """The drill a visit runs: the board, a deck, or the learner's home screen."""
        drill = [sys.executable, "-m", "drill"]
        if visit.board:
            return [*drill, "class", "--class", self.config.code]
        if visit.deck:
            return [*drill, "start", visit.deck, "--learner", visit.learner]
        return [*drill, "home", "--learner", visit.learner]


def _cookie_name(learner: str) -> str:
    return COOKIE_PREFIX + hashlib.sha256(learner.encode("utf-8")).hexdigest()[:16]


def _banner(admitted: Admission) -> str:
    return pages.banner(admitted.learner, admitted.key, admitted.new)


def _deck_exists(name: str) -> bool:
    from drill.decks import deck_names

    return name in deck_names()


def _html(text: str, status: int = 200) -> web.Response:
    return web.Response(text=text, status=status, content_type="text/html")
