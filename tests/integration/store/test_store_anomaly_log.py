"""`anomaly_log.open_anomaly` on both engines: the row, the catalogue's category/fixes/priority,
the order's timeline and version, the changes feed, and one anomaly per dedupe key."""

import pytest
import sqlalchemy as sa
from conftest import sell

from app.domain.anomalies import priority
from app.services.journal import anomaly_log, changes, orders
from app.store.models import Anomaly, Order


def _open(db, now, **kw):
    with db.session() as s, s.begin():
        args = {"reason": "测试异常", "evidence": {"provider": "wechat"}, "now": now,
                "dedupe_key": "k1"} | kw
        return anomaly_log.open_anomaly(s, args.pop("kind", "duplicate_payment"), **args)


def test_opens_an_anomaly_on_an_order_with_its_timeline_and_feed(db, now, venue):
    db.emit_changes = True
    sale = sell(db, now, venue, ("ADULT", 1))
    with db.session() as s:
        before_version = s.get(Order, sale.order_id).version
        before_seq = changes.last_seq(s)
    anomaly_id = _open(db, now, order_id=sale.order_id, amount_fen=10000)
    assert anomaly_id
    with db.session() as s:
        a = s.get(Anomaly, anomaly_id)
        assert (a.kind, a.category, a.status, a.order_no) == (
            "duplicate_payment", "payment", "open", sale.order_no)
        assert a.fixes == ["refund_duplicate"]
        assert a.evidence == {"provider": "wechat", "amount_fen": 10000}  # amount added
        assert a.priority == priority("duplicate_payment", 10000, now, now)
        order = s.get(Order, sale.order_id)
        assert order.version == before_version + 1
        feed, _, _ = changes.read(s, before_seq)
    assert {(c.entity, c.id) for c in feed} == {("order", sale.order_id), ("anomaly", anomaly_id)}
    order_change = next(c for c in feed if c.entity == "order")
    assert order_change.data["display_status"] == "anomaly"
    assert order_change.data["open_anomalies"] == 1
    events, verified = orders.timeline(db.session(), sale.order_no)
    assert verified and events[-1]["action"] == "anomaly.detected"
    assert (events[-1]["actor"], events[-1]["source"]) == ("system", "server")
    assert events[-1]["detail"]["anomaly_id"] == anomaly_id


def test_same_dedupe_key_opens_nothing_more(db, now, venue):
    sale = sell(db, now, venue, ("ADULT", 1))
    assert _open(db, now, order_id=sale.order_id)
    with db.session() as s:
        version = s.get(Order, sale.order_id).version
    assert _open(db, now, order_id=sale.order_id) is None
    with db.session() as s:
        assert s.execute(sa.select(sa.func.count()).select_from(Anomaly)).scalar_one() == 1
        assert s.get(Order, sale.order_id).version == version
    events, _ = orders.timeline(db.session(), sale.order_no)
    assert [e["action"] for e in events].count("anomaly.detected") == 1


def test_without_an_order_only_the_anomaly_is_written(db, now):
    anomaly_id = _open(db, now, kind="paid_no_order", order_no="MP-NOPE",
                       evidence={"order_no": "MP-NOPE"})
    with db.session() as s:
        a = s.get(Anomaly, anomaly_id)
        assert (a.order_id, a.order_no, a.category) == (None, None, "payment")
        assert a.fixes == ["backfill_order", "refund_payment"]


def test_unknown_kind_is_a_programming_error(db, now):
    with pytest.raises(KeyError):
        _open(db, now, kind="alien")
