"""The desktop client's composition root: data folder, database, printing, translations, windows.

`run_client(args)` is what `python main.py` calls. The login dialog appears first; the local
database is opened (migrations, demo seed, settings) on the writer thread meanwhile, so a slow
disk never delays the window, and the sign-in queued behind it on the same thread simply waits.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtWidgets import QApplication

from sync.sign_in import sign_out
from ui import refcount_guard, tasks
from ui.context import ClientContext
from ui.errors import install_excepthook, user_message
from ui.i18n import install_translations, normalize_lang, remove_translations
from ui.login_dialog import LoginDialog
from ui.printer_bridge import PrinterBridge
from ui.sync_bridge import SyncBridge
from ui.sync_runner import StoreHandle, hand_over, start_engine, store_client

log = logging.getLogger("menpiao.ui")
RESOURCES = Path(__file__).resolve().parent.parent / "resources"
STYLESHEET = RESOURCES / "style.qss"


def resolve_home(arg: str | None) -> Path:
    """--home, else $MENPIAO_HOME, else the platform's user data dir."""
    if arg:
        return Path(arg).expanduser()
    if os.environ.get("MENPIAO_HOME"):
        return Path(os.environ["MENPIAO_HOME"]).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("menpiao"))


def setup_logging(home: Path) -> None:
    (home / "logs").mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(home / "logs" / "client.log", maxBytes=2_000_000,
                                  backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def load_stylesheet() -> str:
    """resources/style.qss with its icon folder made absolute (QSS urls are relative to cwd)."""
    if not STYLESHEET.exists():
        return ""
    icons = (RESOURCES / "icons").as_posix()
    return STYLESHEET.read_text(encoding="utf-8").replace("@ICONS@", icons)


def open_backend(ctx: ClientContext) -> Any:
    """Writer thread: open client.sqlite3 (migrations), seed the demo data, load settings."""
    from app.domain.venue import Venue
    from app.services.admin import seeding
    from app.services.prints import print_jobs
    from app.services.prints import settings as settings_service
    from app.store.db import Database

    ctx.home.mkdir(parents=True, exist_ok=True)
    db = Database.open(f"sqlite:///{ctx.home / 'client.sqlite3'}")
    if ctx.store_url is None:  # the embedded default is the demo data set; a real store's
        with db.session() as session:  # users and catalog arrive from the store itself
            seeding.seed_demo(session, now=ctx.now(), venue=Venue())
    with db.session() as session:  # jobs a crash left half-printed go back to the queue
        print_jobs.recover(session, now=ctx.now())
    with db.session() as session:
        settings = settings_service.load(session)
    ctx.db, ctx.settings = db, settings
    return settings


def printer_config(ctx: ClientContext) -> Any:
    """Read by the print worker before every job, so a saved setting applies to the next one."""
    from printing.jobs import PrinterConfig
    from printing.profile import PrinterProfile

    s = ctx.settings
    profile = PrinterProfile(paper_mm=s.paper_mm, qr_native=s.qr_native,
                             encoding=s.printer_encoding,
                             chinese_as_image=bool(getattr(s, "chinese_as_image", False)))
    return PrinterConfig(uri=ctx.printer_uri(), profile=profile, zone=ctx.venue().zone)


class ClientApp(QObject):
    """One running client: the login dialog, then the main window; sign out returns to login."""

    def __init__(self, args: argparse.Namespace,
                 clock: Callable[[], datetime] | None = None,
                 store_starter: Callable[[ClientContext], StoreHandle] | None = None) -> None:
        refcount_guard.install()  # before the first Qt call that returns None
        self.qt = QApplication.instance() or QApplication(sys.argv[:1])
        super().__init__()
        self.qt.setApplicationName("menpiao")
        self.qt.setQuitOnLastWindowClosed(False)  # sign-out hides every window for a moment
        self.ctx = ClientContext(
            home=resolve_home(getattr(args, "home", None)),
            clock=clock or (lambda: datetime.now(UTC)),  # the only real clock in the client
            lang=normalize_lang(getattr(args, "lang", None)),
            terminal_override=(getattr(args, "terminal", None) or "").strip().upper() or None,
            printer_override=getattr(args, "printer", None) or None)
        self.ctx.printer = PrinterBridge(self)
        self.ctx.sync = SyncBridge(self)
        tasks.operations().operation_did_execute.connect(self.wake_workers)
        self.listening = True
        remote = getattr(args, "store", None)
        self.ctx.store_url = remote or None
        self.store: StoreHandle | None = StoreHandle(remote) if remote else None
        self.store_starter = None if remote else store_starter
        self.engine: Any = None
        self.leaving: Any = None  # the hand-over of the clerk who signed out, under way
        self.enroll_pending: str | None = None  # the device id being enrolled
        self.enrolled_for: str | None = None  # the device id the override secret is for
        self.credentials: tuple[str, str] | None = None
        self.translators = install_translations(self.qt, self.ctx.lang)
        self.qt.setStyleSheet(load_stylesheet())
        self.login: LoginDialog | None = None
        self.window: Any = None
        self.worker: Any = None
        self.backend_error: BaseException | None = None
        self.backend_ready = False

    # -- start ----------------------------------------------------------------------------------
    def start(self) -> LoginDialog:
        """Show the login dialog now; open the database right after it is on screen."""
        dialog = self.show_login()
        QTimer.singleShot(0, self._open_backend)
        if self.store_starter is not None:
            self.ctx.sync.set_connecting()
            (tasks.run(self.store_starter, self.ctx)
                .on_success(self._store_ready)
                .on_failure(self._store_failed))
        elif self.store is not None:
            self.ctx.sync.set_connecting()
        return dialog

    def _store_ready(self, handle: StoreHandle) -> None:
        self.store = handle
        self._start_sync()

    def _store_failed(self, exc: BaseException) -> None:
        log.error("the embedded store did not start: %s", exc)
        self.ctx.sync.set_problem(QCoreApplication.translate(
            "ClientApp", "The central store could not be started: {why}. Sales are kept "
                         "in this window and uploaded later.").format(why=user_message(exc)))

    def _start_sync(self) -> None:
        """Once the database is open, a clerk signed in and the store is known."""
        if (self.engine is not None or self.store is None or self.credentials is None
                or not self.backend_ready or self.leaving is not None):
            return
        if self._enrolling():
            return
        username, password = self.credentials
        try:
            self.engine = start_engine(self.ctx, self.store.base_url, username, password,
                                       self.ctx.sync.publish)
        except Exception as exc:  # noqa: BLE001 - no sync is no reason to stop selling
            log.exception("the sync engine did not start")
            self.ctx.sync.set_problem(user_message(exc))
            return
        self.ctx.sync.waker = self.engine.wake
        self.ctx.store = store_client(self.ctx, self.store.base_url, username, password)

    def _enrolling(self) -> bool:
        """The embedded store registers the window the client runs as (on the pool), once
        per device id (the terminal can change in Settings): True while that is under way;
        `_start_sync` runs again when it is done."""
        enroll = getattr(self.store, "enroll", None)
        device_id = self.ctx.device_id
        if enroll is None or self.enrolled_for == device_id:
            return False
        if self.enroll_pending != device_id:
            self.enroll_pending = device_id
            (tasks.run(enroll, device_id, self.ctx.terminal)
                .on_success(lambda secret: self._enrolled(device_id, secret))
                .on_failure(self._store_failed))
        return True

    def _enrolled(self, device_id: str, secret: str) -> None:
        self.enrolled_for, self.enroll_pending = device_id, None
        self.ctx.device_secret_override = secret
        self._start_sync()

    def _stop_sync(self, *, hand_over_ops: bool = False) -> None:
        """Stop the signed-in user's engine. `hand_over_ops` (signing out): it first pushes
        what is left and revokes the tokens, on the pool; the next engine starts after it."""
        engine, self.engine = self.engine, None
        self.ctx.sync.waker = None
        store, self.ctx.store = self.ctx.store, None
        if engine is not None and hand_over_ops:
            self.leaving = tasks.run(hand_over, engine, store)
            self.leaving.on_done(self._handed_over)  # at once when it already ran (inline)
            return
        if store is not None:
            store.close()
        if engine is not None:
            engine.stop(timeout=1.0)  # a long-poll in flight ends on its own, never applied

    def _handed_over(self) -> None:
        self.leaving = None
        self._start_sync()

    def _open_backend(self) -> None:
        (tasks.write(open_backend, self.ctx)
            .on_success(self._backend_opened)
            .on_failure(self._backend_failed))

    def _backend_opened(self, _settings: Any) -> None:
        self.backend_ready = True
        if self.login is not None:
            self.login.set_terminal(self.ctx.terminal)
        self._start_printing()
        self._start_sync()

    def _backend_failed(self, exc: BaseException) -> None:
        self.backend_error = exc
        log.error("could not open the local database in %s", self.ctx.home)
        if self.login is not None:
            self.login.show_error(QCoreApplication.translate(
                "ClientApp", "The local database could not be opened: {why}").format(
                    why=user_message(exc)))

    def _start_printing(self) -> None:
        from app.services.prints.print_jobs import SqlJobStore
        from printing.worker import PrintWorker

        ctx = self.ctx
        self.worker = PrintWorker(SqlJobStore(ctx.db), lambda: printer_config(ctx), ctx.clock,
                                  ctx.printer.publish)
        self.worker.start()
        ctx.printer.waker = self.worker.wake  # never wired before: wakes waited for the poll

    def wake_workers(self, changes: Any, _origin: Any = None) -> None:
        """After a write: the print worker looks at its queue now (new jobs, or a new printer
        in the settings), the sync engine pushes the queued op / pulls what the store changed
        now, each once, instead of at their next poll."""
        if changes.print_jobs or changes.settings:
            self.ctx.printer.wake()
        if changes.sync:
            self.ctx.sync.wake()

    # -- windows --------------------------------------------------------------------------------
    def show_login(self) -> LoginDialog:
        self.login = LoginDialog(self.ctx)
        self.login.accepted.connect(self._signed_in)
        self.login.rejected.connect(self.qt.quit)
        self.login.show()
        return self.login

    def _signed_in(self) -> None:
        from ui.main_window import MainWindow

        dialog, self.login = self.login, None
        self.ctx.user = dialog.user
        self.credentials = getattr(dialog, "credentials", None)
        log.info("%s signed in at window %s", self.ctx.user.username, self.ctx.terminal)
        self.window = MainWindow(self.ctx)
        self.window.sign_out_requested.connect(self.sign_out)
        self.window.closed.connect(self.qt.quit)
        self.window.show()
        dialog.deleteLater()
        self._start_sync()

    def sign_out(self) -> None:
        window, self.window = self.window, None
        if window is not None:
            window.closed.disconnect(self.qt.quit)
            window.close()
            window.deleteLater()
        self.ctx.user = None
        self.credentials = None
        if self.ctx.db is not None:
            sign_out(self.ctx.db)
        self._stop_sync(hand_over_ops=True)  # the engine speaks to the store as the clerk
        self.show_login()

    # -- stop -----------------------------------------------------------------------------------
    def shutdown(self) -> None:
        if self.listening:  # once: the signal outlives this client (tests start several)
            tasks.operations().operation_did_execute.disconnect(self.wake_workers)
            self.listening = False
        self._stop_sync()
        if self.store is not None:
            self.store.close()
            self.store = None
        if self.worker is not None:
            self.ctx.printer.waker = None
            self.worker.stop()
            self.worker = None
        tasks.wait_for_all(10_000)
        if self.login is not None:
            self.login.rejected.disconnect(self.qt.quit)
        if self.window is not None:
            self.window.closed.disconnect(self.qt.quit)
        for widget in (self.login, self.window):
            if widget is not None:
                widget.close()
                widget.deleteLater()
        self.login = self.window = None
        if self.ctx.db is not None:
            self.ctx.db.dispose()
        remove_translations(self.qt, self.translators)
        self.translators = []


def run_client(args: argparse.Namespace,
               store_starter: Callable[[ClientContext], StoreHandle] | None = None) -> int:
    """The desktop client (`python main.py`). Returns the process exit code. Without
    `--store`, `store_starter(ctx)` (from main.py: the embedded store) runs on the pool while
    the login dialog shows."""
    home = resolve_home(getattr(args, "home", None))
    home.mkdir(parents=True, exist_ok=True)
    setup_logging(home)
    client = ClientApp(args, store_starter=store_starter)
    hook = install_excepthook()
    tasks.set_unhandled_failure(hook.show)
    client.start()
    try:
        return int(client.qt.exec())
    finally:
        client.shutdown()
