"""A window connected to a real store knows no users of its own: the first sign-in is checked
by the store and remembered (argon2 hash, role), so the same clerk can sign in offline later;
nobody the store refuses gets in (`sync.sign_in`, no Qt)."""

import pytest

from app.domain.errors import Unauthorized
from app.services.admin import auth
from app.store.db import Database
from sync.sign_in import Window, sign_in

GONE = "http://127.0.0.1:9"  # the store is gone: offline


@pytest.fixture
def db(tmp_path):
    database = Database.open(f"sqlite:///{tmp_path / 'client.sqlite3'}")
    yield database
    database.dispose()


def window(db, store_url, secret=None):
    return Window(db, device_id="window-03", terminal="03", store_url=store_url,
                  device_secret=secret)


def registered(live):
    """window-03 registered at the store as an admin would (DESIGN.md §14); its secret."""
    return live.device("window-03", "window", "03")


def test_first_sign_in_is_checked_by_the_store_then_works_offline(live, db, now):
    online = window(db, live.base.removesuffix("/api/v1"), registered(live))
    assert auth.list_users(db.session()) == []  # nothing seeded on a real store's window
    with pytest.raises(Unauthorized):
        sign_in(online, "clerk1", "wrong", now=now)
    assert auth.list_users(db.session()) == []
    user = sign_in(online, "clerk1", "clerk1", now=now)
    assert (user.username, user.role) == ("clerk1", "clerk")
    offline = window(db, GONE)
    assert sign_in(offline, "clerk1", "clerk1", now=now).username == "clerk1"
    with pytest.raises(Unauthorized):
        sign_in(offline, "clerk2", "clerk2", now=now)  # never verified by the store: refused


def test_a_password_changed_at_the_store_replaces_the_remembered_one(live, db, now):
    auth.remember_user(db.session(), "clerk1", "old-password", "clerk", now=now)
    assert sign_in(window(db, live.base, registered(live)), "clerk1", "clerk1",
                   now=now).username == "clerk1"
    with pytest.raises(Unauthorized):
        sign_in(window(db, None), "clerk1", "old-password", now=now)


def test_a_window_without_its_device_secret_gets_nobody_in(live, db, now):
    registered(live)
    for secret in (None, "window-01", "wrong"):
        with pytest.raises(Unauthorized):
            sign_in(window(db, live.base, secret), "clerk1", "clerk1", now=now)
    assert auth.list_users(db.session()) == []  # nobody remembered


def test_without_a_store_only_the_windows_own_users_sign_in(db, now):
    auth.remember_user(db.session(), "clerk1", "clerk1", "clerk", now=now)
    assert sign_in(window(db, None), "clerk1", "clerk1", now=now).role == "clerk"
    with pytest.raises(Unauthorized):
        sign_in(window(db, None), "clerk2", "clerk2", now=now)


def _admin_put(live, name, body):
    import requests

    r = requests.put(live.url(f"/users/{name}"), json=body, timeout=10,
                     headers=live.login("admin", terminal=None))
    assert r.status_code == 200, r.text


def test_a_user_the_store_disabled_is_refused_and_dropped_from_the_window(live, db, now):
    online = window(db, live.base, registered(live))
    assert sign_in(online, "clerk1", "clerk1", now=now).username == "clerk1"
    _admin_put(live, "clerk1", {"active": False})
    with pytest.raises(Unauthorized):
        sign_in(online, "clerk1", "clerk1", now=now)  # the window's cache alone would let in
    assert auth.list_users(db.session()) == []  # dropped: not even offline any more
    with pytest.raises(Unauthorized):
        sign_in(window(db, GONE), "clerk1", "clerk1", now=now)


def test_a_password_changed_at_the_store_drops_the_old_one_online(live, db, now):
    online = window(db, live.base, registered(live))
    sign_in(online, "clerk2", "clerk2", now=now)
    _admin_put(live, "clerk2", {"password": "clerk2-new-pass"})
    with pytest.raises(Unauthorized):
        sign_in(online, "clerk2", "clerk2", now=now)
    with pytest.raises(Unauthorized):
        sign_in(window(db, GONE), "clerk2", "clerk2", now=now)
    assert sign_in(online, "clerk2", "clerk2-new-pass", now=now).username == "clerk2"
    assert sign_in(window(db, GONE), "clerk2", "clerk2-new-pass", now=now).role == "clerk"


def test_a_wrong_password_online_does_not_drop_a_remembered_user(live, db, now):
    online = window(db, live.base, registered(live))
    sign_in(online, "clerk1", "clerk1", now=now)
    with pytest.raises(Unauthorized):
        sign_in(online, "clerk1", "typo", now=now)
    assert sign_in(window(db, GONE), "clerk1", "clerk1", now=now).username == "clerk1"


def test_ops_a_clerk_left_unsent_reach_the_store_as_his_with_the_next_clerk(live, now,
                                                                          make_window):
    """clerk1 sells while the store is away and signs out; clerk2's engine pushes the sale and
    the store records it as clerk1's, because the window signed it with clerk1's op key
    (DESIGN.md §9, §14). An op nobody signed is still refused as someone else's."""
    import random

    import sqlalchemy as sa

    from app.store.models import Order
    from sync.engine import SyncEngine
    from sync.sign_in import sign_out
    from sync.transport import StoreClient

    w = make_window(live.base, device_id="window-03", terminal="03", clerk="clerk2")
    at_store = window(w.db, live.base, "window-03")
    w.engine.sync_once()  # the catalog and stock reach the window
    sign_in(at_store, "clerk1", "clerk1", now=now)
    assert w.db.op_signer is not None and w.db.op_signer[0] == "clerk1"
    w.clerk = "clerk1"
    signed = w.sell(("ADULT", 1))  # never pushed: clerk1 signs out first
    sign_out(w.db)
    unsigned = w.sell(("ADULT", 1))  # as a window before signing would have queued it
    w.clerk = "clerk2"
    # clerk2 signs in at the store, and his engine pushes everything left
    sign_in(at_store, "clerk2", "clerk2", now=now)
    own = w.sell(("ADULT", 1))
    client = StoreClient(live.base, timeout=5)
    client.login("clerk2", "clerk2", "window-03", "window-03")
    engine = SyncEngine(w.db, client, device_id="window-03", clock=w.clock,
                        on_event=lambda e: None, rng=random.Random(1), long_poll_wait=0)
    engine.sync_once()
    client.close()
    with live.db.session() as s:
        clerks = dict(s.execute(sa.select(Order.order_no, Order.clerk)).all())
    assert clerks.get(signed.order_no) == "clerk1"
    assert clerks.get(own.order_no) == "clerk2"
    assert unsigned.order_no not in clerks
    with w.db.engine.connect() as conn:
        rows = dict(conn.execute(sa.text("SELECT signed_by, state FROM outbox")).all())
    assert rows == {"clerk1": "acked", None: "rejected", "clerk2": "acked"}


def test_offline_a_user_never_seen_here_is_told_so_not_wrong_password(live, db, now):
    """Issue 12: with the store out of reach, a clerk who never signed in at this window gets
    「此账号尚未在本窗口联网登录过…」, not 用户名或密码错误; one the window knows, with a wrong
    password, still gets the wrong-password answer."""
    from sync.sign_in import NOT_HERE_YET, NotSignedInHere

    sign_in(window(db, live.base, registered(live)), "clerk1", "clerk1", now=now)
    offline = window(db, GONE)
    with pytest.raises(NotSignedInHere) as never_here:
        sign_in(offline, "clerk2", "clerk2", now=now)
    assert never_here.value.message == NOT_HERE_YET
    with pytest.raises(Unauthorized) as wrong:
        sign_in(offline, "clerk1", "wrong", now=now)
    assert not isinstance(wrong.value, NotSignedInHere) and wrong.value.message == auth.BAD_LOGIN
    assert auth.list_users(db.session())[0].username == "clerk1"  # nothing else remembered
