"""The admin's ticket types (DESIGN.md §15) over real HTTP on SQLite and PostgreSQL: every kind
created, a price change that leaves earlier orders as they were sold, a type taken off sale
(refused in Chinese, still read on its orders), every bad input refused with nothing written,
each change in the admin log and the changes feed."""

import uuid

import pytest
import requests
import sqlalchemy as sa
from conftest import assert_error, snapshot

from app.store.models import ChangeLog, Ticket, TicketTypeRow

TYPES = "/catalog/ticket-types"


def _post(live, headers, body):
    return requests.post(live.url(TYPES), json=body, headers=headers, timeout=10)


def _put(live, headers, code, body):
    return requests.put(live.url(f"{TYPES}/{code}"), json=body, headers=headers, timeout=10)


def _sell(live, headers, *lines, amount=None, day=None):
    """POST /orders for `lines` of (code, qty), paid `amount` in cash."""
    day = day or live.venue.local_date(live.clock()).isoformat()
    return requests.post(live.url("/orders"), timeout=10, headers=headers | {
        "Idempotency-Key": uuid.uuid4().hex}, json={
        "channel": "window", "visit_date": day,
        "lines": [{"ticket_type": c, "qty": q} for c, q in lines],
        "payment": {"method": "cash", "amount_fen": amount}})


def _capacity(live, admin, code, capacity=100):
    day = live.venue.local_date(live.clock()).isoformat()
    r = requests.put(live.url(f"/inventory/{code}"), headers=admin, timeout=10,
                     json={"from": day, "to": day, "capacity": capacity})
    assert r.status_code == 200, r.text


def _types_rows(live):
    with live.db.engine.connect() as conn:
        return conn.execute(sa.select(TicketTypeRow.__table__).order_by("code")).all()


def _log(live, headers, **params):
    r = requests.get(live.url("/admin/changes"), params=params, headers=headers, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()["changes"]


def _fed(live, code):
    """The catalog changes of `code` in the feed, oldest first."""
    with live.db.session() as s:
        return [row.data for row in s.execute(
            sa.select(ChangeLog).where(ChangeLog.entity == "catalog", ChangeLog.entity_id == code)
            .order_by(ChangeLog.seq)).scalars()]


NEW_TYPES = [
    {"code": "EVENING", "name": "夜场票", "kind": "regular", "price_fen": 4000},
    {"code": "FLASH", "name": "秒杀票", "kind": "special", "price_fen": 1990},
    {"code": "TEN", "name": "十次卡", "kind": "pass", "price_fen": 30000, "uses_total": 10},
    {"code": "SCHOOL", "name": "学校团队票", "kind": "group", "price_fen": 3000,
     "min_group_size": 20},
    {"code": "DUO", "name": "双人夜场套票", "kind": "regular", "price_fen": 7000,
     "components": ["EVENING", "EVENING"]},
]


def test_every_kind_is_created_logged_fed_and_sold(live):
    admin = live.login("admin", terminal=None)
    for body in NEW_TYPES:
        r = _post(live, admin, body)
        assert r.status_code == 201, r.text
        made = r.json()
        assert {k: made[k] for k in body} == body
        assert made["active"] is True and made["sold"] is False
    made = {t["code"]: t for t in requests.get(live.url(TYPES), headers=admin,
                                               timeout=10).json()["ticket_types"]}
    assert made["TEN"]["uses_total"] == 10 and made["SCHOOL"]["min_group_size"] == 20
    assert made["DUO"]["sort_order"] == made["EVENING"]["sort_order"] + 4  # at the end
    r = _post(live, admin, {"code": "team", "name": "团队票2", "kind": "group",
                            "price_fen": 2500})
    assert r.json()["code"] == "TEAM" and r.json()["min_group_size"] == 10  # DESIGN §2
    clerk = live.login("clerk1")
    listed = requests.get(live.url("/catalog"), headers=clerk, timeout=10).json()
    assert {t["code"] for t in listed["ticket_types"]} >= {b["code"] for b in NEW_TYPES}

    log = _log(live, admin, entity="ticket_type")
    assert [(c["key"], c["action"], c["actor"]) for c in log][::-1] == [
        (b["code"], "create", "user:admin") for b in NEW_TYPES] + [
        ("TEAM", "create", "user:admin")]
    assert log[-1]["before"] is None and log[-1]["after"]["price_fen"] == 4000
    assert _fed(live, "TEN")[-1]["uses_total"] == 10  # windows hear of it

    # no capacity yet: not on sale; then sold at their prices, the package split by list price
    assert_error(_sell(live, clerk, ("EVENING", 1), amount=4000), 409, "sold_out")
    for code in ("EVENING", "FLASH", "TEN", "SCHOOL"):
        _capacity(live, admin, code)
    r = _sell(live, clerk, ("DUO", 1), ("TEN", 1), amount=7000 + 30000)
    assert r.status_code == 201, r.text
    tickets = [(t["ticket_type"], t["price_fen"], t["uses_total"]) for t in r.json()["tickets"]]
    assert tickets == [("EVENING", 3500, 1), ("EVENING", 3500, 1), ("TEN", 30000, 10)]
    message = assert_error(_sell(live, clerk, ("SCHOOL", 19), amount=19 * 3000), 422,
                           "validation_error")
    assert "至少 20 人" in message
    assert _sell(live, clerk, ("SCHOOL", 20), amount=20 * 3000).status_code == 201


def test_a_price_change_applies_to_later_sales_only(live):
    admin, clerk = live.login("admin", terminal=None), live.login("clerk1")
    before = _sell(live, clerk, ("ADULT", 1), ("FAMILY", 1), amount=10000 + 13000)
    assert before.status_code == 201, before.text
    old = before.json()

    r = _put(live, admin, "ADULT", {"price_fen": 12000})
    assert r.status_code == 200, r.text
    assert r.json()["price_fen"] == 12000 and r.json()["sold"] is True

    again = requests.get(live.url(f"/orders/{old['order_no']}"), headers=clerk, timeout=10)
    assert again.json()["total_fen"] == 23000 and again.json()["tickets"] == old["tickets"]
    with live.db.session() as s:
        paid = s.execute(sa.select(Ticket.ticket_type, Ticket.sold_as, Ticket.price_fen,
                                   Ticket.list_price_fen).order_by(Ticket.position)).all()
    assert [tuple(p) for p in paid] == [("ADULT", "ADULT", 10000, 10000),
                                        ("ADULT", "FAMILY", 8667, 8667),
                                        ("CHILD", "FAMILY", 4333, 4333)]
    quote = requests.post(live.url(f"/orders/{old['order_no']}/refund-quote"), headers=clerk,
                          json={"ticket_ids": [old["tickets"][0]["ticket_id"]]}, timeout=10)
    assert quote.status_code == 200 and quote.json()["total_refund_fen"] <= 10000

    message = assert_error(_sell(live, clerk, ("ADULT", 1), amount=10000), 422,
                           "validation_error")
    assert "还差 ¥20.00" in message  # the old price is refused: the new one applies
    after = _sell(live, clerk, ("ADULT", 1), ("FAMILY", 1), amount=12000 + 13000)
    assert after.status_code == 201, after.text
    # the package keeps its price; its split follows the new list prices (12000 : 5000)
    assert [t["price_fen"] for t in after.json()["tickets"]] == [12000, 9177, 3823]
    (change,) = _log(live, admin, entity="ticket_type", key="ADULT")
    assert change["before"]["price_fen"] == 10000 and change["after"]["price_fen"] == 12000
    assert [d["price_fen"] for d in _fed(live, "ADULT")][-1] == 12000


def test_a_type_taken_off_sale_is_refused_and_still_read_on_its_orders(live):
    admin, clerk = live.login("admin", terminal=None), live.login("clerk1")
    sold = _sell(live, clerk, ("SPECIAL", 2), amount=12000).json()
    r = _put(live, admin, "SPECIAL", {"active": False})
    assert r.status_code == 200 and r.json()["active"] is False and r.json()["sold"] is True

    message = assert_error(_sell(live, clerk, ("SPECIAL", 1), amount=6000), 422,
                           "validation_error")
    assert message == "特价票已停售"
    listed = requests.get(live.url("/catalog"), headers=clerk, timeout=10).json()
    assert "SPECIAL" not in {t["code"] for t in listed["ticket_types"]}
    every = requests.get(live.url(TYPES), headers=live.login("supervisor", terminal=None),
                         timeout=10).json()["ticket_types"]
    assert next(t for t in every if t["code"] == "SPECIAL")["active"] is False
    order = requests.get(live.url(f"/orders/{sold['order_no']}"), headers=clerk,
                         timeout=10).json()
    assert [(t["ticket_type"], t["price_fen"], t["status"]) for t in order["tickets"]] == [
        ("SPECIAL", 6000, "valid")] * 2
    assert_error(requests.delete(live.url(f"{TYPES}/SPECIAL"), headers=admin, timeout=10),
                 405, "method_not_allowed")
    assert _fed(live, "SPECIAL")[-1]["active"] is False

    assert _put(live, admin, "SPECIAL", {"active": True}).status_code == 200  # back on sale
    assert _sell(live, clerk, ("SPECIAL", 1), amount=6000).status_code == 201


def test_a_part_of_a_package_on_sale_stays_on_sale(live):
    admin = live.login("admin", terminal=None)
    message = assert_error(_put(live, admin, "CHILD", {"active": False}), 409, "conflict")
    assert "亲子套票" in message
    assert _put(live, admin, "FAMILY", {"active": False}).status_code == 200
    assert _put(live, admin, "CHILD", {"active": False}).status_code == 200
    message = assert_error(_put(live, admin, "FAMILY", {"active": True}), 422,
                           "validation_error")
    assert "儿童票" in message and "停售" in message


BAD_NEW = [
    ({"code": "ADULT", "name": "成人票2", "kind": "regular", "price_fen": 1}, 409, "已存在"),
    ({"code": "adult", "name": "成人票2", "kind": "regular", "price_fen": 1}, 409, "已存在"),
    ({"code": "ADULT2", "name": "成人票", "kind": "regular", "price_fen": 1}, 409, "已有名为"),
    ({"code": "PKG", "name": "套票", "kind": "regular", "price_fen": 1,
      "components": ["ADULT", "DRAGON"]}, 422, "DRAGON 不存在"),
    ({"code": "PKG", "name": "套票", "kind": "regular", "price_fen": 1,
      "components": ["ADULT", "FAMILY"]}, 422, "本身是套票"),
    ({"code": "PKG", "name": "套票", "kind": "regular", "price_fen": 1,
      "components": ["ADULT"]}, 422, "2–10"),
    ({"code": "PKG", "name": "套票", "kind": "regular", "price_fen": 1,
      "components": ["ADULT", "GROUP"]}, 422, "团队票"),
    ({"code": "PKG", "name": "套票", "kind": "regular", "price_fen": 1,
      "components": ["ADULT", "PKG"]}, 422, "它自己"),
    ({"code": "NEG", "name": "负价票", "kind": "regular", "price_fen": -1}, 422, "票价"),
    ({"code": "BIG", "name": "天价票", "kind": "regular", "price_fen": 10**12}, 422, "票价"),
    ({"code": "P0", "name": "零次卡", "kind": "pass", "price_fen": 1, "uses_total": 0},
     422, "可用次数"),
    ({"code": "P1", "name": "次卡", "kind": "pass", "price_fen": 1}, 422, "可用次数"),
    ({"code": "R2", "name": "普通票2", "kind": "regular", "price_fen": 1, "uses_total": 3},
     422, "只有年卡"),
    ({"code": "G0", "name": "团队0", "kind": "group", "price_fen": 1, "min_group_size": 0},
     422, "最少人数"),
    ({"code": "G9", "name": "团队9", "kind": "group", "price_fen": 1, "min_group_size": 201},
     422, "最少人数"),
    ({"code": "K", "name": "怪票", "kind": "vip", "price_fen": 1}, 422, "票种类型"),
    ({"code": "A:B", "name": "冒号票", "kind": "regular", "price_fen": 1}, 422, "票种代码"),
    ({"code": "E", "name": " ", "kind": "regular", "price_fen": 1}, 422, "名称"),
    ({"code": "E", "name": "缺价票", "kind": "regular"}, 422, "price_fen"),
    ({"code": "E", "name": "字符串价", "kind": "regular", "price_fen": "100"}, 422,
     "price_fen"),
    ({"code": "E", "name": "多余", "kind": "regular", "price_fen": 1, "color": "red"}, 422,
     "color"),
]


def _nothing_written(live):
    return snapshot(live.db), _types_rows(live)


@pytest.mark.parametrize(("body", "status", "words"), BAD_NEW)
def test_a_bad_new_type_is_refused_with_nothing_written(live, body, status, words):
    admin = live.login("admin", terminal=None)
    before = _nothing_written(live)
    message = assert_error(_post(live, admin, body), status,
                           "conflict" if status == 409 else "validation_error")
    assert words in message
    assert _nothing_written(live) == before


def test_bad_changes_are_refused_with_nothing_written(live):
    admin = live.login("admin", terminal=None)
    assert _sell(live, live.login("clerk1"), ("FAMILY", 1), amount=13000).status_code == 201
    before = _nothing_written(live)
    for code, body, status, words in (
            ("FAMILY", {"components": ["ADULT", "ADULT"]}, 409, "已有售出"),
            ("ADULT", {"components": ["CHILD", "SPECIAL"]}, 422, "不能改为套票"),
            ("CHILD", {"kind": "group"}, 422, "不能改为团队票"),
            ("ADULT", {"price_fen": -100}, 422, "票价"),
            ("ANNUAL", {"uses_total": 0}, 422, "可用次数"),
            ("GROUP", {"min_group_size": 0}, 422, "最少人数"),
            ("ADULT", {"kind": "gold"}, 422, "票种类型"),
            ("ADULT", {"name": "儿童票"}, 409, "已有名为"),
            ("ADULT", {"code": "CHILD"}, 422, "不能更改"),
            ("ADULT", {"active": "no"}, 422, "active"),
            ("DRAGON", {"price_fen": 1}, 404, "没有这种票")):
        code_word = {409: "conflict", 404: "not_found"}.get(status, "validation_error")
        message = assert_error(_put(live, admin, code, body), status, code_word)
        assert words in message, (code, body, message)
    assert_error(_post(live, live.login("supervisor", terminal=None), NEW_TYPES[0]), 403,
                 "forbidden")
    assert_error(_put(live, live.login("clerk1"), "ADULT", {"price_fen": 1}), 403, "forbidden")
    assert _nothing_written(live) == before


def test_a_change_that_changes_nothing_logs_nothing(live):
    admin = live.login("admin", terminal=None)
    r = _put(live, admin, "ADULT", {"code": "ADULT", "name": "成人票", "price_fen": 10000,
                                    "active": True})
    assert r.status_code == 200, r.text
    assert _log(live, admin, entity="ticket_type") == []
