"""UI tests: real widgets offscreen, a real SQLite file in tmp_path, real services.

Background work runs inline (synchronously) unless a test switches it back to threads; every
test fails if it leaves a top-level window open; Chinese is installed unless a test is marked
`@pytest.mark.lang("en")`.
"""

import argparse
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QLocale
from PySide6.QtWidgets import QApplication

from ui import refcount_guard, tasks
from ui.app import load_stylesheet, open_backend
from ui.context import ClientContext
from ui.i18n import install_translations, remove_translations
from ui.printer_bridge import PrinterBridge

refcount_guard.install()  # PySide6 6.12.0 on Python 3.11 drains None's refcount (see module)

SEED_NOW = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)  # tests/conftest.py FIXED_NOW


def pytest_configure(config):
    config.addinivalue_line("markers", "lang(code): run the UI test in this language")


@pytest.fixture(autouse=True)
def no_leaked_windows(qapp):
    """Fail the test when a top-level window is still open after it (pytest-qt has already
    closed the widgets registered with qtbot.addWidget by then)."""
    yield
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QApplication.processEvents()
    leaked = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    for widget in leaked:
        widget.close()
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    if leaked:
        names = ", ".join(f"{type(w).__name__}({w.objectName()})" for w in leaked)
        pytest.fail(f"top-level windows left open: {names}")


@pytest.fixture(autouse=True)
def inline_tasks():
    tasks.set_inline(True)
    yield
    tasks.set_inline(False)
    tasks.wait_for_all(10_000)


@pytest.fixture(autouse=True)
def language(request, qapp):
    marker = request.node.get_closest_marker("lang")
    lang = marker.args[0] if marker else "zh_CN"
    translators = install_translations(qapp, lang)
    qapp.setStyleSheet(load_stylesheet())
    yield lang
    remove_translations(qapp, translators)
    QLocale.setDefault(QLocale.c())


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory) -> Path:
    """client.sqlite3 migrated and seeded once (argon2 hashing and 180 inventory rows take a
    second or two); each test gets its own copy."""
    home = tmp_path_factory.mktemp("template")
    context = ClientContext(home=home, clock=lambda: SEED_NOW)
    open_backend(context)
    context.db.dispose()
    return home / "client.sqlite3"


@pytest.fixture
def home(tmp_path: Path, seeded_db: Path, now) -> Path:
    """A fresh data folder holding a copy of the seeded database."""
    assert now == SEED_NOW, "the template was seeded for another day"
    shutil.copyfile(seeded_db, tmp_path / "client.sqlite3")
    return tmp_path


@pytest.fixture
def ctx(home: Path, now) -> ClientContext:
    """A window's context on a fresh data folder: database opened, demo data, settings."""
    context = ClientContext(home=home, clock=lambda: now)
    context.printer = PrinterBridge()
    open_backend(context)
    yield context
    context.db.dispose()


def as_user(ctx: ClientContext, username: str, role: str) -> ClientContext:
    from app.services.admin.auth import UserInfo

    ctx.user = UserInfo(username, username, role)
    return ctx


@pytest.fixture
def clerk_ctx(ctx) -> ClientContext:
    return as_user(ctx, "clerk1", "clerk")


def press(qtbot, *keys) -> None:
    """Type into whatever has the keyboard focus, like a clerk does (text or Qt keys)."""
    for key in keys:
        widget = QApplication.focusWidget()
        if isinstance(key, str):
            qtbot.keyClicks(widget, key)
        else:
            qtbot.keyClick(widget, key)


def on_screen(qtbot, widget, size=(1200, 700)):
    """Show a screen as the active window: keys go where the focus is, as on a real desk."""
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    return widget


def open_shift(ctx: ClientContext, float_fen: int = 50_000) -> None:
    """The clerk's shift at the context's window: no cash changes hands without one."""
    from app.services.shifts import shifts

    with ctx.session() as session:
        shifts.open_shift(session, terminal=ctx.terminal, clerk=ctx.user.username,
                          float_fen=float_fen, now=ctx.now())


@pytest.fixture
def on_shift(clerk_ctx) -> ClientContext:
    """clerk1 at window 01 with an open shift (¥500 float)."""
    open_shift(clerk_ctx)
    return clerk_ctx


@pytest.fixture
def admin_ctx(ctx) -> ClientContext:
    return as_user(ctx, "admin", "admin")


@pytest.fixture
def make_client(home, now, qtbot):
    """Start the whole client (login first) on tmp_path; shut down after the test."""
    from ui.app import ClientApp

    clients = []

    def make(lang: str | None = None, **extra) -> ClientApp:
        values = {"home": str(home), "lang": lang, "terminal": None, "printer": None,
                  "store": None}
        values.update(extra)
        client = ClientApp(argparse.Namespace(**values), clock=lambda: now)
        clients.append(client)
        client.start()
        qtbot.waitUntil(lambda: client.backend_ready, timeout=20_000)
        return client

    yield make
    for client in clients:
        client.shutdown()


@pytest.fixture
def ui_store(tmp_path: Path, now):
    """The embedded central store (SQLite, demo data) on a loopback port, at the tests' fixed
    time; see store_helpers.py for what the outside world sends it."""
    from store_helpers import UiStore

    from server import embedded

    store = embedded.start(tmp_path / "store", lambda: now)
    yield UiStore(store, now)
    store.stop()
