"""POST /orders (window sales with an Idempotency-Key), GET one order and its timeline, over
real HTTP on SQLite and PostgreSQL: what is written, what is refused, and that a refusal
writes nothing."""

import uuid

import pytest
import requests
from conftest import assert_error, snapshot


def _body(live, *lines, method="cash", amount=None, tendered=None, **extra):
    lines = lines or (("ADULT", 2),)
    prices = {"ADULT": 10000, "CHILD": 5000, "FAMILY": 13000}
    amount = sum(prices.get(c, 0) * q for c, q in lines) if amount is None else amount
    body = {"channel": "window", "visit_date": live.venue.local_date(live.clock()).isoformat(),
            "lines": [{"ticket_type": c, "qty": q} for c, q in lines],
            "payment": {"method": method, "amount_fen": amount}}
    if tendered is not None:
        body["payment"]["tendered_fen"] = tendered
    return body | extra


def _post(live, headers, body, key=None, **kw):
    headers = headers | {"Idempotency-Key": key or str(uuid.uuid4())}
    return requests.post(live.url("/orders"), headers=headers, timeout=10, **kw, **(
        {} if "data" in kw else {"json": body}))


def _adult(live, headers):
    day = live.venue.local_date(live.clock()).isoformat()
    items = requests.get(live.url("/inventory"), params={"date": day}, headers=headers,
                         timeout=10).json()["items"]
    return next(i for i in items if i["ticket_type"] == "ADULT")


def test_cash_sale_makes_an_order_and_takes_stock(live):
    clerk = live.login("clerk1", terminal="01")
    body = _body(live, ("ADULT", 2), ("FAMILY", 1), tendered=40000,
                 customer={"name": "张三", "phone": "13812345678", "id_no": None})
    r = _post(live, clerk, body)
    assert r.status_code == 201, r.text
    order = r.json()
    assert order["order_no"] == "W01-20261121-0001" and order["channel"] == "window"
    assert order["status"] == "paid" and order["display_status"] == "paid"
    assert order["total_fen"] == order["paid_fen"] == 33000 and order["refunded_fen"] == 0
    assert len(order["tickets"]) == 4 and {t["status"] for t in order["tickets"]} == {"valid"}
    assert all(t["code"].startswith("MP1-") for t in order["tickets"])
    assert order["payments"][0]["method"] == "cash"
    assert order["payments"][0]["tendered_fen"] == 40000
    assert order["payments"][0]["change_fen"] == 7000
    assert order["customer"]["name"] == "张三"
    assert order["customer"]["phone_masked"] == "138****5678"
    assert "phone" not in order["customer"]  # a clerk sees it masked
    assert {"order_id", "flags", "created_at", "open_anomalies", "version"} <= set(order)
    assert _adult(live, clerk)["sold"] == 3  # two adults and the package's adult
    counts = snapshot(live.db)["counts"]
    assert counts["outbox"] == 0 and counts["print_jobs"] == 0  # the server neither pushes
    assert counts["idempotency_keys"] == 1                       # nor prints


def test_same_key_same_body_replays_the_order_and_writes_nothing(live):
    clerk = live.login("clerk1")
    body = _body(live)
    first = _post(live, clerk, body, key="sale-1")
    assert first.status_code == 201
    before = snapshot(live.db)
    again = _post(live, clerk, dict(reversed(list(body.items()))), key="sale-1")
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert snapshot(live.db) == before
    other = _post(live, clerk, _body(live, ("ADULT", 3)), key="sale-1")
    assert_error(other, 422, "idempotency_key_reused")
    assert snapshot(live.db) == before
    # keys belong to their user: the same key from another clerk is another sale
    assert _post(live, live.login("clerk2", terminal="02"), body, key="sale-1").status_code == 201


def test_racing_requests_with_one_key_make_one_order(live):
    from concurrent.futures import ThreadPoolExecutor

    clerk = live.login("clerk1")
    body = _body(live)
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda _: _post(live, clerk, body, key="race"), range(6)))
    assert {r.status_code for r in answers} == {201}, [r.text for r in answers]
    assert len({r.json()["order_no"] for r in answers}) == 1
    assert snapshot(live.db)["counts"]["orders"] == 1
    assert _adult(live, clerk)["sold"] == 2


def test_sold_out_is_409_and_writes_nothing(live):
    admin, clerk = live.login("admin"), live.login("clerk1")
    day = live.venue.local_date(live.clock()).isoformat()
    assert requests.put(live.url(f"/inventory/{day}/ADULT"), json={"capacity": 3},
                        headers=admin, timeout=10).status_code == 200
    assert _post(live, clerk, _body(live, ("ADULT", 2))).status_code == 201
    before = snapshot(live.db)
    message = assert_error(_post(live, clerk, _body(live, ("ADULT", 2))), 409, "sold_out")
    assert "仅剩 1 张" in message
    assert snapshot(live.db) == before


BAD_BODIES = [
    ("not json", dict(data="{", headers={"Content-Type": "application/json"})),
    ("a list", dict(json=[1, 2])),
    ("qty as text", dict(lines=[{"ticket_type": "ADULT", "qty": "2"}])),
    ("qty float", dict(lines=[{"ticket_type": "ADULT", "qty": 2.5}])),
    ("qty bool", dict(lines=[{"ticket_type": "ADULT", "qty": True}])),
    ("negative qty", dict(lines=[{"ticket_type": "ADULT", "qty": -1}])),
    ("zero qty", dict(lines=[{"ticket_type": "ADULT", "qty": 0}])),
    ("huge qty", dict(lines=[{"ticket_type": "ADULT", "qty": 10**40}])),
    ("201 persons", dict(lines=[{"ticket_type": "ADULT", "qty": 201}])),
    ("unknown type", dict(lines=[{"ticket_type": "NOPE", "qty": 1}])),
    ("no lines", dict(lines=[])),
    ("unknown field", dict(discount_fen=100)),
    ("unknown line field", dict(lines=[{"ticket_type": "ADULT", "qty": 1, "price_fen": 1}])),
    ("bad date", dict(visit_date="2026-02-30")),
    ("past date", dict(visit_date="2020-01-01")),
    ("other channel", dict(channel="ota_ctrip")),
    ("bad method", dict(payment={"method": "bitcoin", "amount_fen": 20000})),
    ("wrong amount", dict(payment={"method": "cash", "amount_fen": 100})),
    ("negative amount", dict(payment={"method": "cash", "amount_fen": -5})),
    ("huge amount", dict(payment={"method": "cash", "amount_fen": 10**30})),
    ("short cash", dict(payment={"method": "cash", "amount_fen": 20000, "tendered_fen": 100})),
    ("bad order_id", dict(order_id="not-a-uuid")),
]


@pytest.mark.parametrize("case", [c[1] for c in BAD_BODIES], ids=[c[0] for c in BAD_BODIES])
def test_bad_input_is_422_in_chinese_and_writes_nothing(live, case):
    clerk = live.login("clerk1")
    before = snapshot(live.db)
    if "data" in case or "json" in case:
        r = requests.post(live.url("/orders"), timeout=10,
                          headers=clerk | {"Idempotency-Key": "k"} | case.get("headers", {}),
                          **{k: v for k, v in case.items() if k != "headers"})
    else:
        r = _post(live, clerk, _body(live) | case)
    assert_error(r, 422, "validation_error")
    assert snapshot(live.db) == before


def test_idempotency_key_is_required_and_a_window_is_needed(live):
    clerk = live.login("clerk1")
    r = requests.post(live.url("/orders"), json=_body(live), headers=clerk, timeout=10)
    assert "Idempotency-Key" in assert_error(r, 422, "validation_error")
    for bad_key in ("键".encode(), "x" * 129):
        assert_error(_post(live, clerk, _body(live), key=bad_key), 422, "validation_error")
    no_window = live.login("supervisor", terminal=None, device_id="laptop")
    assert "terminal" in assert_error(_post(live, no_window, _body(live)), 422,
                                      "validation_error")


def test_order_and_timeline_readers(live):
    clerk1, clerk2 = live.login("clerk1", terminal="01"), live.login("clerk2", terminal="02")
    body = _body(live, customer={"name": "李四", "phone": "13912345678"})
    order_no = _post(live, clerk1, body).json()["order_no"]
    r = requests.get(live.url(f"/orders/{order_no}"), headers=clerk1, timeout=10)
    assert r.status_code == 200 and r.json()["order_no"] == order_no
    assert "phone" not in r.json()["customer"]
    sup = requests.get(live.url(f"/orders/{order_no}"), headers=live.login("supervisor"),
                       timeout=10).json()
    assert "phone" not in sup["customer"] and sup["customer"]["phone_masked"] == "139****5678"
    tl = requests.get(live.url(f"/orders/{order_no}/timeline"), headers=clerk1, timeout=10)
    assert tl.status_code == 200
    events = tl.json()["events"]
    assert tl.json()["verified"] is True
    assert [e["action"] for e in events] == ["order.created", "payment.succeeded"]
    assert events[0]["actor"] == "user:clerk1" and events[0]["source"] == "window"
    assert events[0]["detail"]["customer"] == {  # part of the sale, masked like the order
        "name": "李四", "phone_masked": "139****5678", "id_masked": None}
    assert "13912345678" not in tl.text
    for path in (f"/orders/{order_no}", f"/orders/{order_no}/timeline"):
        assert_error(requests.get(live.url(path), headers=clerk2, timeout=10), 403, "forbidden")
        assert_error(requests.get(live.url(path), headers=live.login("gate1"), timeout=10), 403,
                     "forbidden")
        assert_error(requests.get(live.url(path), timeout=10), 401, "unauthorized")
    assert_error(requests.get(live.url("/orders/W01-20261121-9999"), headers=clerk1,
                              timeout=10), 404, "not_found")


def test_nul_characters_and_deep_json_never_reach_the_database(live):
    """PostgreSQL text cannot hold NUL: refused up front as 422/404, never a 500."""
    clerk, admin = live.login("clerk1"), live.login("admin")
    before = snapshot(live.db)
    day = live.venue.local_date(live.clock()).isoformat()
    answers = [
        requests.post(live.url("/auth/login"), timeout=10,
                      json={"username": "clerk1\x00", "password": "x", "device_id": "d"}),
        requests.post(live.url("/auth/login"), timeout=10,
                      json={"username": "clerk1", "password": "clerk1", "device_id": "d\x00"}),
        _post(live, clerk, _body(live, customer={"name": "张\x00三"})),
        _post(live, clerk, _body(live) | {"lines": [{"ticket_type": "AD\x00", "qty": 1}]}),
        requests.put(live.url(f"/inventory/{day}/AD%00ULT"), json={"capacity": 1},
                     headers=admin, timeout=10),
        requests.post(live.url("/orders"), data=b'{"a":' * 5000, timeout=10,
                      headers=clerk | {"Idempotency-Key": "deep",
                                       "Content-Type": "application/json"}),
    ]
    for r in answers:
        assert_error(r, 422, "validation_error")
    for path in ("/orders/W01%00", "/orders/" + "W" * 65, "/orders/W01%00/timeline"):
        assert_error(requests.get(live.url(path), headers=clerk, timeout=10), 422,
                     "validation_error")
    assert snapshot(live.db) == before


def test_revealing_the_customer_is_for_supervisors_and_is_logged(live):
    clerk = live.login("clerk1", terminal="01")
    body = _body(live, customer={"name": "李四", "phone": "13912345678",
                                 "id_no": "110101199001011234"})
    order_no = _post(live, clerk, body).json()["order_no"]
    path = f"/orders/{order_no}?reveal=1"
    assert_error(requests.get(live.url(path), headers=clerk, timeout=10), 403, "forbidden")
    sup = requests.get(live.url(path), headers=live.login("supervisor"), timeout=10)
    assert sup.status_code == 200, sup.text
    assert sup.json()["customer"]["phone"] == "13912345678"
    assert sup.json()["customer"]["id_no"] == "110101199001011234"
    tl = requests.get(live.url(f"/orders/{order_no}/timeline"), headers=clerk, timeout=10).json()
    assert tl["verified"] is True
    last = tl["events"][-1]
    assert (last["action"], last["actor"]) == ("customer.revealed", "user:supervisor")
    assert last["detail"] == {"fields": ["phone", "id_no"]}
    # (the clerk's refused attempt wrote nothing)
    assert [e["action"] for e in tl["events"]].count("customer.revealed") == 1
    assert_error(requests.get(live.url("/orders/W01-20991231-0001?reveal=1"),
                              headers=live.login("admin"), timeout=10), 404, "not_found")
