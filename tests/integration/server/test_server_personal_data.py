"""Personal data leaves the store masked (DESIGN.md §14), over real HTTP on SQLite and
PostgreSQL: anomaly evidence (the queue, the feed, the order's timeline), fix and backfill
answers, and the access log; `reveal=1` from a supervisor+ shows the full phone and ID number and
is logged as `customer.revealed`, a clerk's is refused."""

import logging
import uuid
from datetime import timedelta

import pytest
import requests
import sqlalchemy as sa
from anomaly_kit import callback, channel_order, events, fix, one_open, sup
from conftest import assert_error, snapshot
from signed import SECRET

from app.services.sales import orders_expiry

PHONE, ID_NO = "13911112222", "110101199202021111"
ATTACH = {"channel": "miniprogram", "visit_date": "2026-11-23",
          "lines": [{"ticket_type": "ADULT", "qty": 1}],
          "customer": {"name": "李四", "phone": PHONE, "id_no": ID_NO}}


@pytest.fixture(autouse=True)
def _secret(monkeypatch):
    monkeypatch.setenv("MENPIAO_WEBHOOK_SECRET", SECRET)


def _clean(text: str) -> None:
    assert PHONE not in text and ID_NO not in text


def _feed(live, headers) -> str:
    out, cursor = [], "0"
    while True:
        page = requests.get(live.url("/sync/changes"), params={"since": cursor},
                            headers=headers, timeout=10)
        assert page.status_code == 200, page.text
        out.append(page.text)
        cursor = page.json()["next_cursor"]
        if not page.json()["has_more"]:
            return "".join(out)


def test_paid_no_order_evidence_is_masked_and_the_backfill_still_has_the_full_customer(live):
    callback(live, "WX-PII", "MP-GHOST9", 10000, attach=ATTACH)
    a = one_open(live, "paid_no_order")
    assert a["evidence"]["attach"]["customer"] == {
        "name": "李四", "phone_masked": "139****2222", "id_masked": "1101**********1111"}
    assert "sealed" not in a["evidence"]
    detail = requests.get(live.url(f"/anomalies/{a['id']}"), headers=sup(live), timeout=10)
    _clean(detail.text)
    _clean(_feed(live, sup(live)))
    r = fix(live, a["id"], "backfill_order")
    assert r.status_code == 200, r.text
    _clean(r.text)
    order = r.json()["order"]
    assert order["customer"]["phone_masked"] == "139****2222"
    assert order["customer"]["id_masked"] == "1101**********1111"
    assert "customer.revealed" not in [e["action"] for e in events(live, order["order_no"])]
    with live.db.engine.connect() as conn:  # the order itself keeps what the visitor gave
        row = conn.execute(sa.text("SELECT customer_phone, customer_id_no FROM orders "
                                   "WHERE order_no = 'MP-GHOST9'")).one()
    assert tuple(row) == (PHONE, ID_NO)
    _clean(_feed(live, sup(live)))


def test_a_fix_reveals_the_customer_only_when_asked_and_logs_it(live):
    channel_order(live, "LATE9", paid=False)  # customer 13700001111
    live.clock.at += timedelta(minutes=16)
    with live.db.session() as s:
        assert orders_expiry.expire_unpaid(s, now=live.clock()) == 1
    callback(live, "WX-LATE9", "MP-LATE9", 20000)
    a = one_open(live, "paid_no_order", "MP-LATE9")
    timeline = requests.get(live.url("/orders/MP-LATE9/timeline"), headers=sup(live),
                            timeout=10)
    assert "13700001111" not in timeline.text
    r = requests.post(live.url(f"/anomalies/{a['id']}/fix"), params={"reveal": 1},
                      json={"action": "backfill_order"}, headers=sup(live), timeout=30)
    assert r.status_code == 200, r.text
    order = r.json()["order"]
    assert order["customer"]["phone"] == "13700001111"
    seen = [e for e in events(live, order["order_no"]) if e["action"] == "customer.revealed"]
    assert [(e["actor"], e["detail"]["fields"]) for e in seen] == [
        ("user:supervisor", ["phone"])]


def test_a_clerk_may_not_reveal(live):
    clerk = live.login("clerk1", terminal="01")
    body = {"channel": "window", "visit_date": live.venue.local_date(live.clock()).isoformat(),
            "lines": [{"ticket_type": "ADULT", "qty": 1}],
            "customer": {"name": "李四", "phone": PHONE, "id_no": ID_NO},
            "payment": {"method": "cash", "amount_fen": 10000}}
    r = requests.post(live.url("/orders"), json=body, timeout=10,
                      headers=clerk | {"Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 201, r.text
    _clean(r.text)
    no = r.json()["order_no"]
    before = snapshot(live.db)
    assert_error(requests.get(live.url(f"/orders/{no}"), params={"reveal": 1}, headers=clerk,
                              timeout=10), 403, "forbidden")
    a = requests.post(live.url("/anomalies/x/fix"), params={"reveal": 1},
                      json={"action": "mark_resolved"}, headers=clerk, timeout=10)
    assert_error(a, 403, "forbidden")
    assert snapshot(live.db) == before
    _clean(_feed(live, clerk))


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_the_access_log_records_no_searched_phone_or_id(live):
    access = logging.getLogger("uvicorn.access")
    handler, level = _Lines(), access.level
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    try:
        h = sup(live)
        for q in (PHONE, ID_NO):
            r = requests.get(live.url("/orders"), params={"q": q}, headers=h, timeout=10)
            assert r.status_code == 200, r.text
        requests.get(live.url(f"/orders/{PHONE}"), headers=h, timeout=10)
    finally:
        access.removeHandler(handler)
        access.setLevel(level)
    logged = "\n".join(handler.lines)
    assert "/orders?q=139****2222" in logged and "/orders?q=1101**********1111" in logged
    assert "/orders/139****2222" in logged
    _clean(logged)
