"""Menpiao composition root and command line (DESIGN.md §12).

`python main.py` starts the desktop client; subcommands run the other parts. Imports are done
inside each command so that one command never pays for another's start-up.
"""

import argparse
import sys
from pathlib import Path


def _embedded_store(ctx: object) -> object:
    """The embedded default (DESIGN.md §12): the central store in-process on SQLite in the
    data folder, demo-seeded, with a gentle channel simulator. Runs on the client's pool."""
    from server import embedded
    from ui.sync_runner import StoreHandle

    store = embedded.start(ctx.home, ctx.clock)
    return StoreHandle(store.base_url, stop=store.stop,
                       simulator_stop=_gentle_simulator(store.base_url, store.secret),
                       enroll=store.enroll_window)


def _quiet_store(ctx: object) -> object:
    """The embedded store without the simulator (screenshots want a steady picture)."""
    from server import embedded
    from ui.sync_runner import StoreHandle

    store = embedded.start(ctx.home, ctx.clock)
    return StoreHandle(store.base_url, stop=store.stop, enroll=store.enroll_window)


def _screenshots(args: argparse.Namespace) -> int:
    from ui.screenshots import take

    args.out.mkdir(parents=True, exist_ok=True)
    take(args.out, args.lang, store_starter=_quiet_store)
    return 0


def _gentle_simulator(base_url: str, secret: str) -> object:
    """Channel traffic for the embedded store, a few orders a minute; returns its stop."""
    import threading

    from simulator.runner import start_gentle

    stop = threading.Event()
    start_gentle(base_url, secret, stop)
    return stop.set


def _client(args: argparse.Namespace) -> int:
    from ui.app import run_client

    return run_client(args, store_starter=None if args.store else _embedded_store)


def _print_sample(args: argparse.Namespace) -> int:
    from printing.sample import print_sample

    return print_sample(args.printer, paper_mm=args.paper)


LOOPBACK = ("127.0.0.1", "::1", "localhost")


def _server(args: argparse.Namespace) -> int:
    import os

    from app.domain.audit import DEMO_KEY as DEMO_AUDIT_KEY
    from server import workers

    if args.demo and not _loopback(args.host):  # demo passwords are the user names
        print(f"演示模式（--demo）只能在本机地址上运行（127.0.0.1、::1 或 localhost），"
              f"不能监听 {args.host}", file=sys.stderr)
        return 2
    n = args.workers or workers.default_workers(args.database)
    if n < 1 or (n > 1 and not workers.is_postgres(args.database)):
        print(f"--workers {n}：SQLite 只能由一个进程服务（多个进程请用 PostgreSQL 数据库）"
              if n > 1 else "--workers 至少为 1", file=sys.stderr)
        return 2
    if args.demo:  # the workers read these from the environment
        os.environ.setdefault("MENPIAO_WEBHOOK_SECRET", "demo-secret")
        os.environ.setdefault("MENPIAO_AUDIT_KEY", DEMO_AUDIT_KEY)
    _prepare_store(args.database, demo=args.demo)
    print(f"menpiao store: {n} worker process{'es' if n > 1 else ''} on {args.host}:{args.port}"
          + ("" if workers.is_postgres(args.database) else " (SQLite: one process only)"),
          file=sys.stderr)
    workers.serve(args.database, host=args.host, port=args.port, workers=n)
    return 0


def _prepare_store(url: str, *, demo: bool) -> None:
    """Migrations, once, before any worker starts; `--demo` seeds through the changes feed."""
    from datetime import UTC, datetime

    from app.domain.venue import Venue
    from app.services.admin.seeding import seed_demo
    from app.store.db import Database

    db = Database.open(url)  # runs the migrations
    try:
        if demo:
            db.emit_changes = True  # as the store writes: the windows' feed carries the seed
            result = seed_demo(db.session(), now=datetime.now(UTC), venue=Venue())
            print(f"demo data: {result.users_added} users, {result.ticket_types_added} ticket "
                  f"types, {result.inventory_rows_added} inventory rows added", file=sys.stderr)
    finally:
        db.dispose()


def _loopback(host: str) -> bool:
    import ipaddress

    if host.strip().lower() in LOOPBACK:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _simulate(args: argparse.Namespace) -> int:
    from simulator.cli import run

    return run(args)


def _users(args: argparse.Namespace) -> int:
    from app.domain.errors import DomainError
    from app.store.db import Database

    if not args.database:
        print("请用 --database URL 指定数据库", file=sys.stderr)
        return 2
    db = Database.open(args.database)
    try:
        said = _users_command(db.session(), args)
        if said:
            print(said)
        return 0
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    finally:
        db.dispose()


CLI_ACTOR = "cli"  # the admin log's actor of `main.py users` (run on the store's machine)


def _users_command(session: object, args: argparse.Namespace) -> str:
    """One `users` subcommand; what to print. Passwords are read from stdin."""
    from datetime import UTC, datetime

    from app.services.admin import accounts, auth

    now = datetime.now(UTC)
    if args.users_command == "list":
        return "\n".join(f"{u.username}\t{u.role}\t{u.display_name}"
                         for u in auth.list_users(session))
    if args.users_command == "disable":
        user = accounts.disable(session, args.name, now=now, actor=CLI_ACTOR)
        return f"已停用用户 {user.username}，其登录凭证已全部失效"
    password = sys.stdin.readline().rstrip("\r\n")
    if args.users_command == "passwd":
        user = accounts.change_password(session, args.name, password, now=now, actor=CLI_ACTOR)
        return f"已修改用户 {user.username} 的密码，其登录凭证已全部失效"
    added = accounts.add_account(session, args.name, password, args.role, args.display_name,
                                 now=now, actor=CLI_ACTOR)
    return f"已添加用户 {added.username}（{auth.ROLE_LABELS_ZH[added.role]}）"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="menpiao", description="Menpiao 门票 box office")
    parser.add_argument("--lang", default="zh_CN", help="zh_CN (default) or en")
    parser.add_argument("--home", default=None,
                        help="data folder (default: the user data dir, or $MENPIAO_HOME)")
    parser.add_argument("--store", default=None, help="URL of a central store (default: the embedded one)")
    parser.add_argument("--terminal", default=None, help="window terminal id, e.g. 01")
    parser.add_argument("--printer", default=None, help="printer URI, overrides settings")
    parser.set_defaults(func=_client)
    sub = parser.add_subparsers(dest="command")

    ps = sub.add_parser("print-sample", help="print a sample ticket and receipt (test page)")
    ps.add_argument("--printer", required=True, help="tcp:HOST:PORT, usb:..., preview:DIR, ...")
    ps.add_argument("--paper", type=int, choices=(58, 80), default=80)
    ps.set_defaults(func=_print_sample)

    sv = sub.add_parser("server", help="run the central order store (HTTP API)")
    sv.add_argument("--database", required=True,
                    help="sqlite:///PATH or postgresql+psycopg://USER@HOST/DB")
    sv.add_argument("--host", default="127.0.0.1")
    sv.add_argument("--port", type=int, default=8600)
    sv.add_argument("--demo", action="store_true", help="seed demo users, catalog and capacity")
    sv.add_argument("--workers", type=int, default=None, metavar="N",
                    help="worker processes (default: the number of cores on PostgreSQL). "
                         "PostgreSQL only: SQLite runs one process, and more than one is refused")
    sv.set_defaults(func=_server)

    sm = sub.add_parser("simulate", help="channel, payment and gate traffic against a store")
    from simulator.cli import add_arguments as simulate_arguments

    simulate_arguments(sm)
    sm.set_defaults(func=_simulate)

    sh = sub.add_parser("screenshots", help="drive the client and save the docs' screenshots")
    sh.add_argument("out", type=Path, help="folder for the PNG files")
    sh.set_defaults(func=_screenshots)

    us = sub.add_parser("users", help="manage users of a database")
    us.add_argument("--database", default=None, help="sqlite:///PATH or postgresql+psycopg://...")
    users_sub = us.add_subparsers(dest="users_command", required=True)
    ua = users_sub.add_parser("add", help="add a user (password read from stdin)")
    ua.add_argument("name")
    ua.add_argument("--role", required=True,
                    choices=("clerk", "supervisor", "finance", "admin", "gate"))
    ua.add_argument("--display-name", default=None)
    ua.add_argument("--database", dest="database", default=argparse.SUPPRESS)
    users_sub.add_parser("list", help="list active users").add_argument(
        "--database", dest="database", default=argparse.SUPPRESS)
    for command, helptext in (("passwd", "set a user's password (read from stdin)"),
                              ("disable", "deactivate a user")):
        up = users_sub.add_parser(command, help=f"{helptext}; revokes all its tokens")
        up.add_argument("name")
        up.add_argument("--database", dest="database", default=argparse.SUPPRESS)
    us.set_defaults(func=_users)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
