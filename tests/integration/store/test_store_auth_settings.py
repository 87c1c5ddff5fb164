"""Demo seeding, logging in with argon2 hashes, and the window's settings."""

import pytest
import sqlalchemy as sa

from app.domain.errors import Conflict, Unauthorized, ValidationError
from app.services.admin import auth, seeding
from app.services.prints import settings
from app.services.stock import catalog
from app.store.db import Database
from app.store.models import Device, Inventory


@pytest.fixture
def empty_db(sqlite_url):
    db = Database.open(sqlite_url)
    yield db
    db.dispose()


def test_seed_demo_is_idempotent_and_logins_work(empty_db, now, venue):
    first = seeding.seed_demo(empty_db.session(), now=now, venue=venue)
    assert first == seeding.SeedResult(users_added=6, ticket_types_added=6,
                                       inventory_rows_added=5 * 30)
    assert seeding.seed_demo(empty_db.session(), now=now, venue=venue) == \
        seeding.SeedResult(0, 0, 0)
    assert [t.code for t in catalog.ticket_types(empty_db.session())] == [
        "ADULT", "CHILD", "FAMILY", "SPECIAL", "ANNUAL", "GROUP"]
    with empty_db.session() as s:
        assert s.execute(sa.select(sa.func.count()).select_from(Inventory)
                         .where(Inventory.ticket_type == "FAMILY")).scalar() == 0
    who = auth.login(empty_db.session(), "clerk1", "clerk1", device_id="win-01", now=now)
    assert who == auth.UserInfo("clerk1", "售票员1", "clerk")
    assert auth.login(empty_db.session(), "finance", "finance", device_id="", now=now).role \
        == "finance"
    with empty_db.session() as s:
        assert s.get(Device, "win-01").last_user == "clerk1"
    for name, password in (("clerk1", "wrong"), ("nobody", "clerk1"), ("", "")):
        with pytest.raises(Unauthorized) as err:
            auth.login(empty_db.session(), name, password, device_id="win-01", now=now)
        assert err.value.message == "用户名或密码错误"
    assert [u.username for u in auth.list_users(empty_db.session())] == [
        "admin", "clerk1", "clerk2", "finance", "gate1", "supervisor"]


def test_add_user_checks_name_role_and_duplicates(empty_db, now):
    assert auth.add_user(empty_db.session(), "clerk9", "long-enough", "clerk", now=now) == \
        auth.UserInfo("clerk9", "clerk9", "clerk")
    with pytest.raises(Conflict, match="已存在"):
        auth.add_user(empty_db.session(), "clerk9", "pw", "clerk", now=now)
    with pytest.raises(ValidationError, match="角色"):
        auth.add_user(empty_db.session(), "boss", "pw", "emperor", now=now)
    with pytest.raises(ValidationError, match="密码不能为空"):
        auth.add_user(empty_db.session(), "boss", "", "admin", now=now)
    with pytest.raises(ValidationError, match="至少要 8 个字符"):
        auth.add_user(empty_db.session(), "boss", "pw", "admin", now=now)
    with pytest.raises(ValidationError, match="不能与用户名相同"):
        auth.add_user(empty_db.session(), "bossman", "BOSSMAN", "admin", now=now)
    auth.remember_user(empty_db.session(), "clerk7", "clerk7", "clerk", now=now)  # a store's word
    with empty_db.session() as s:
        stored = s.execute(sa.text("SELECT password_hash FROM users")).scalar()
    assert stored.startswith("$argon2")


def test_client_settings_round_trip(empty_db, now):
    assert settings.load(empty_db.session()) == settings.ClientSettings()
    saved = settings.save(empty_db.session(), settings.ClientSettings(
        printer_uri=" tcp:10.0.0.5:9100 ", paper_mm=58, terminal_id="w3",
        printer_encoding="GB18030", venue_name="青山景区"), now=now)
    assert saved.terminal_id == "W3" and saved.printer_uri == "tcp:10.0.0.5:9100"
    assert settings.load(empty_db.session()) == saved
    with pytest.raises(ValidationError, match="纸宽"):
        settings.save(empty_db.session(), settings.ClientSettings(paper_mm=76), now=now)
    assert settings.load(empty_db.session()) == saved


def test_the_window_keeps_its_device_secret_in_its_settings(empty_db, now, tmp_path,
                                                           monkeypatch):
    """DESIGN.md §14: the secret an admin's POST /devices gave this window is stored with its
    settings, and the client signs in with it (the embedded store's enrolment wins)."""
    from ui.context import ClientContext

    saved = settings.save(empty_db.session(), settings.ClientSettings(
        terminal_id="05", device_secret="  s3cr3t-from-the-admin "), now=now)
    assert settings.load(empty_db.session()).device_secret == "s3cr3t-from-the-admin"
    ctx = ClientContext(home=tmp_path, clock=lambda: now, settings=saved)
    assert (ctx.device_id, ctx.device_secret) == ("window-05", "s3cr3t-from-the-admin")
    ctx.device_secret_override = "enrolled"
    assert ctx.device_secret == "enrolled"
    monkeypatch.delenv("MENPIAO_DEVICE_SECRET", raising=False)
    assert ClientContext(home=tmp_path, clock=lambda: now).device_secret is None
    monkeypatch.setenv("MENPIAO_DEVICE_SECRET", "from-env")
    assert ClientContext(home=tmp_path, clock=lambda: now).device_secret == "from-env"
