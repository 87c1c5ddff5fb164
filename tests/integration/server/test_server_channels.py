"""POST /channels/{channel}/orders over real HTTP on SQLite and PostgreSQL: signed intake,
idempotency on (channel, external_id), pricing from what the channel charged, stock, the
timeline, and the 15-minute expiry of unpaid orders."""

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import requests
from conftest import assert_error, snapshot
from signed import SECRET, post_signed

from app.services.sales import orders_expiry
from app.store.models import Order


@pytest.fixture(autouse=True)
def _secret(monkeypatch):
    monkeypatch.setenv("MENPIAO_WEBHOOK_SECRET", SECRET)


def _body(live, *lines, external_id="A1001", amount=None, paid=True, **extra):
    lines = lines or (("ADULT", 2),)
    prices = {"ADULT": 10000, "CHILD": 5000, "FAMILY": 13000, "ANNUAL": 50000}
    amount = sum(prices[c] * q for c, q in lines) if amount is None else amount
    return {"external_id": external_id,
            "visit_date": live.venue.local_date(live.clock()).isoformat(),
            "lines": [{"ticket_type": c, "qty": q} for c, q in lines],
            "customer": {"name": "李四", "phone": "13912345678", "id_no": "110101199001011234"},
            "amount_fen": amount, "paid": paid} | extra


def _post(live, body, channel="ota_ctrip", **kw):
    return post_signed(live, f"/channels/{channel}/orders", body, **kw)


def _stock(live, code="ADULT"):
    headers = live.login("supervisor")
    day = live.venue.local_date(live.clock()).isoformat()
    items = requests.get(live.url("/inventory"), params={"date": day}, headers=headers,
                         timeout=10).json()["items"]
    return next(i for i in items if i["ticket_type"] == code)


def _timeline(live, order_no):
    r = requests.get(live.url(f"/orders/{order_no}/timeline"), headers=live.login("supervisor"),
                     timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def test_paid_ota_order_is_taken_once_with_its_payment_and_timeline(live):
    r = _post(live, _body(live, ("ADULT", 2), ("FAMILY", 1), amount=30001))
    assert r.status_code == 201, r.text
    order = r.json()
    assert order["order_no"] == "CTRIP-A1001" and order["channel"] == "ota_ctrip"
    assert order["status"] == "paid" and order["display_status"] == "paid"
    assert order["total_fen"] == order["paid_fen"] == 30001
    prices = [t["price_fen"] for t in order["tickets"]]
    # weights 10000, 10000, 8667 (package adult), 4333 (package child); remainder on the first
    assert prices == [9092, 9091, 7879, 3939] and sum(prices) == 30001
    assert [t["sold_as"] for t in order["tickets"]] == ["ADULT", "ADULT", "FAMILY", "FAMILY"]
    assert order["payments"][0]["method"] == "ota"
    assert order["payments"][0]["status"] == "succeeded"
    assert order["customer"]["phone_masked"] == "139****5678"
    assert _stock(live)["sold"] == 3 and _stock(live, "CHILD")["sold"] == 1
    log = _timeline(live, "CTRIP-A1001")
    assert log["verified"]
    assert [(e["action"], e["actor"], e["source"]) for e in log["events"]] == [
        ("order.created", "channel:ota_ctrip", "channel"),
        ("payment.succeeded", "channel:ota_ctrip", "channel")]
    assert log["events"][0]["detail"]["external_id"] == "A1001"


def test_own_channels_pay_by_wechat_and_unpaid_orders_wait(live):
    r = _post(live, _body(live, external_id="M-1", paid=False), channel="miniprogram")
    assert r.status_code == 201, r.text
    order = r.json()
    assert order["order_no"] == "MP-M-1" and order["status"] == "pending_payment"
    assert order["paid_fen"] == 0 and order["payments"] == []
    assert [e["action"] for e in _timeline(live, "MP-M-1")["events"]] == ["order.created"]
    paid = _post(live, _body(live, external_id="W-1"), channel="website").json()
    assert paid["payments"][0]["method"] == "wechat"


def test_replay_returns_the_same_order_and_writes_nothing(live):
    body = _body(live)
    first = _post(live, body)
    assert first.status_code == 201
    before = snapshot(live.db)
    again = _post(live, dict(reversed(list(body.items()))))
    assert again.status_code == 200, again.text
    assert again.json() == first.json()
    assert snapshot(live.db) == before
    changed = _post(live, body | {"amount_fen": 1})
    assert_error(changed, 422, "idempotency_key_reused")
    assert snapshot(live.db) == before
    # the same external id on another channel is another order
    assert _post(live, body, channel="ota_meituan").json()["order_no"] == "MEITUAN-A1001"


def test_racing_twins_make_one_order(live):
    body = _body(live, external_id="RACE-1")
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: _post(live, body), range(8)))
    assert sorted(r.status_code for r in answers) == [200] * 7 + [201], \
        [r.text for r in answers]
    assert len({r.json()["order_id"] for r in answers}) == 1
    assert snapshot(live.db)["counts"]["orders"] == 1
    assert _stock(live)["sold"] == 2


def test_sold_out_is_409_and_writes_nothing(live):
    admin = live.login("admin")
    day = live.venue.local_date(live.clock()).isoformat()
    requests.put(live.url(f"/inventory/{day}/ADULT"), json={"capacity": 1}, headers=admin,
                 timeout=10)
    before = snapshot(live.db)
    assert_error(_post(live, _body(live, ("ADULT", 2))), 409, "sold_out")
    assert snapshot(live.db) == before


@pytest.mark.parametrize("signature", ["", "00" * 32, "not hex at all", "é"])
def test_missing_or_forged_signature_is_401_and_writes_nothing(live, signature):
    before = snapshot(live.db)
    message = assert_error(_post(live, _body(live), signature=signature), 401, "bad_signature")
    assert "签名" in message
    assert snapshot(live.db) == before


def test_signed_with_another_secret_is_refused(live):
    before = snapshot(live.db)
    assert_error(_post(live, _body(live), secret="guess"), 401, "bad_signature")
    assert_error(_post(live, None, raw=b"{not json", signature="00"), 401, "bad_signature")
    assert snapshot(live.db) == before


def test_no_secret_configured_refuses_everything(live, monkeypatch):
    monkeypatch.delenv("MENPIAO_WEBHOOK_SECRET")
    before = snapshot(live.db)
    assert_error(_post(live, _body(live)), 401, "bad_signature")
    assert_error(_post(live, _body(live), secret=""), 401, "bad_signature")
    assert snapshot(live.db) == before


BAD_BODIES = [
    ("not json", dict(raw=b"{")),
    ("a list", dict(raw=b"[1, 2]")),
    ("empty", dict(raw=b"")),
    ("qty as text", dict(lines=[{"ticket_type": "ADULT", "qty": "2"}])),
    ("qty float", dict(lines=[{"ticket_type": "ADULT", "qty": 2.5}])),
    ("negative qty", dict(lines=[{"ticket_type": "ADULT", "qty": -1}])),
    ("huge qty", dict(lines=[{"ticket_type": "ADULT", "qty": 10**40}])),
    ("201 persons", dict(lines=[{"ticket_type": "ADULT", "qty": 201}])),
    ("unknown type", dict(lines=[{"ticket_type": "NOPE", "qty": 1}])),
    ("no lines", dict(lines=[])),
    ("small group", dict(lines=[{"ticket_type": "GROUP", "qty": 3}])),
    ("unknown field", dict(discount_fen=100)),
    ("paid as text", dict(paid="true")),
    ("negative amount", dict(amount_fen=-1)),
    ("huge amount", dict(amount_fen=10**30)),
    ("amount float", dict(amount_fen=100.5)),
    ("past date", dict(visit_date="2020-01-01")),
    ("bad date", dict(visit_date="2026-02-30")),
    ("empty external id", dict(external_id="")),
    ("slash in external id", dict(external_id="a/b")),
    ("long external id", dict(external_id="x" * 49)),
    ("NUL in name", dict(customer={"name": "a\x00b"})),
    ("external id a number", dict(external_id=12)),
]


@pytest.mark.parametrize("case", [c[1] for c in BAD_BODIES], ids=[c[0] for c in BAD_BODIES])
def test_bad_input_is_422_in_chinese_and_writes_nothing(live, case):
    before = snapshot(live.db)
    if "raw" in case:
        r = _post(live, None, raw=case["raw"])
    else:
        r = _post(live, _body(live) | case)
    assert_error(r, 422, "validation_error")
    assert snapshot(live.db) == before


def test_channel_path_window_is_422_and_unknown_is_404(live):
    before = snapshot(live.db)
    assert_error(_post(live, _body(live), channel="window"), 422, "validation_error")
    assert_error(_post(live, _body(live), channel="taobao"), 404, "not_found")
    assert snapshot(live.db) == before


def test_unpaid_orders_expire_after_15_minutes(live):
    unpaid = _post(live, _body(live, ("FAMILY", 1), external_id="U1", paid=False),
                   channel="miniprogram").json()
    _post(live, _body(live, external_id="P1"), channel="miniprogram")  # paid: stays
    assert _stock(live)["sold"] == 3
    now = live.clock()
    with live.db.session() as s:
        assert orders_expiry.expire_unpaid(s, now=now + timedelta(minutes=14)) == 0
        assert orders_expiry.expire_unpaid(s, now=now + timedelta(minutes=15)) == 1
        assert orders_expiry.expire_unpaid(s, now=now + timedelta(minutes=16)) == 0
        row = s.get(Order, unpaid["order_id"])
        assert row.status == "cancelled" and row.cancelled
    assert _stock(live)["sold"] == 2 and _stock(live, "CHILD")["sold"] == 0
    order = requests.get(live.url("/orders/MP-U1"), headers=live.login("supervisor"),
                         timeout=10).json()
    assert order["status"] == "cancelled"
    assert {t["status"] for t in order["tickets"]} == {"void"}
    assert order["version"] > unpaid["version"]
    log = _timeline(live, "MP-U1")
    assert log["verified"] and log["events"][-1]["action"] == "order.cancelled"
    assert log["events"][-1]["actor"] == "system"
    assert log["events"][-1]["detail"]["released"] == {"ADULT": 1, "CHILD": 1}


def test_body_is_parsed_only_after_the_signature(live):
    """A correctly signed but malformed body is a 422; the same bytes unsigned a 401."""
    raw = json.dumps({"external_id": 1}).encode()
    assert_error(_post(live, None, raw=raw), 422, "validation_error")
    assert_error(_post(live, None, raw=raw, signature=""), 401, "bad_signature")
