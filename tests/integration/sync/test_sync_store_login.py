"""A window connected to a real store knows no users of its own: the first sign-in is checked
by the store and remembered (argon2 hash, role), so the same clerk can sign in offline later;
nobody the store refuses gets in."""

import pytest

from app.domain.errors import Unauthorized
from app.services import auth
from app.store.db import Database
from ui.context import ClientContext
from ui.login_dialog import _login


@pytest.fixture
def window_ctx(tmp_path, now):
    db = Database.open(f"sqlite:///{tmp_path / 'client.sqlite3'}")
    ctx = ClientContext(home=tmp_path, clock=lambda: now, terminal_override="03")
    ctx.db = db
    yield ctx
    db.dispose()


def test_first_sign_in_is_checked_by_the_store_then_works_offline(live, window_ctx):
    window_ctx.store_url = live.base.removesuffix("/api/v1")
    assert auth.list_users(window_ctx.session()) == []  # nothing seeded on a real store's window
    with pytest.raises(Unauthorized):
        _login(window_ctx, "clerk1", "wrong")
    assert auth.list_users(window_ctx.session()) == []
    user = _login(window_ctx, "clerk1", "clerk1")
    assert (user.username, user.role) == ("clerk1", "clerk")
    window_ctx.store_url = "http://127.0.0.1:9"  # the store is gone: offline
    assert _login(window_ctx, "clerk1", "clerk1").username == "clerk1"
    with pytest.raises(Unauthorized):
        _login(window_ctx, "clerk2", "clerk2")  # never verified by the store: refused offline


def test_a_password_changed_at_the_store_replaces_the_remembered_one(live, window_ctx, now):
    window_ctx.store_url = live.base
    auth.remember_user(window_ctx.session(), "clerk1", "old-password", "clerk", now=now)
    assert _login(window_ctx, "clerk1", "clerk1").username == "clerk1"
    with pytest.raises(Unauthorized):
        window_ctx.store_url = None
        _login(window_ctx, "clerk1", "old-password")
