"""Serve drill to a class in the browser: one drill per visitor, all in one history.

Start it with a class code and hand the code out. A visitor opens the address, types the
code and a name, and lands on the home screen as that learner (or straight in a deck: a
link can carry `?class=CODE&learner=NAME&deck=DECK`). The first to take a name is given a
resume key, kept on that browser and shown on the page; anyone else asking for that name
must bring it. The teacher's board is at /teacher?token=TOKEN (printed at start). Every
answer is committed before the next item, as in the terminal; a reload or a closed tab
loses nothing. Needs the `serve` extra: pip install 'drill[serve]'. See docs/serve.md.
"""

from __future__ import annotations

import argparse

DEFAULT_PORT = 8000
MAX_VISITORS = 40


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--class",
        dest="class_code",
        metavar="CODE",
        required=True,
        help="the class code visitors must type (or carry in their link)",
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=None,
        help="the one history every visitor writes to: a SQLite file on this machine, or "
        "a PostgreSQL URL (default: $DRILL_DB, $DRILL_DATABASE_URL, or drill.db in your "
        "user data folder)",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1)"
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"the port (default: {DEFAULT_PORT})"
    )
    parser.add_argument(
        "--max-visitors",
        type=int,
        default=MAX_VISITORS,
        metavar="N",
        help=f"visitors drilling at once; past it a page says the class is full "
        f"(default: {MAX_VISITORS})",
    )
    parser.add_argument(
        "--public-url",
        metavar="URL",
        default=None,
        help="the address people reach, when behind a reverse proxy (https://drill.example)",
    )
    parser.add_argument(
        "--teacher-token",
        metavar="TOKEN",
        default=None,
        help="the token for the teacher's board (default: a new random one, printed)",
    )
    parser.add_argument(
        "--links",
        action="store_true",
        help="print each learner's own link (with their resume key) and exit",
    )


def run(args: argparse.Namespace) -> int:
    from drill.errors import UserError

    code = str(args.class_code).strip()
    if not code or len(code) > 100 or any(not c.isprintable() for c in code):
        raise UserError("--class: give a code of 1 to 100 printable characters")
    if not 1 <= args.port <= 65535:
        raise UserError(f"--port: expected 1 to 65535, got {args.port}")
    if args.max_visitors < 1:
        raise UserError(f"--max-visitors: expected at least 1, got {args.max_visitors}")
    try:
        import textual_serve  # noqa: F401
    except ImportError:
        raise UserError("drill serve needs the serve extra: pip install 'drill[serve]'") from None
    from drill.app.serving import class_setup

    setup = class_setup(args.db, code, args.teacher_token)
    public = args.public_url or f"http://{args.host}:{args.port}"
    if args.links:
        for learner, key in setup.links():
            print(f"{learner}\t{public}/?{setup.query(learner, key)}")
        return 0
    from drill.web.server import ClassServer, ServeConfig

    config = ServeConfig(
        code=code,
        secret=setup.secret,
        db_env=setup.child_env,
        host=args.host,
        port=args.port,
        max_visitors=args.max_visitors,
        teacher_token=setup.teacher_token,
        public_url=args.public_url,
    )
    print(f"drill: the teacher's board: {public}/teacher?token={setup.teacher_token}")
    server = ClassServer(config, setup.admit_new)
    try:
        server.serve()
    except OSError as err:
        raise UserError(f"cannot listen on {args.host}:{args.port}: {err.strerror}") from None
    finally:
        setup.close()
    return 0
