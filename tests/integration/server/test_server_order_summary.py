"""GET /orders/summary over real HTTP on SQLite and PostgreSQL: the count and the sum of the
whole result of the same filters as GET /orders, within the same read scope — never only a
page."""

import requests
from conftest import assert_error
from test_server_search import shop  # noqa: F401 (the fixture)

# shop's totals (fen): W1 2 adults, W2 1 child, W3 a family package, C1 1 adult,
# C2 adult + child, C3 1 special, C4 1 adult (unpaid), C5 3 adults
TOTAL = {"W1": 20000, "W2": 5000, "W3": 13000, "C1": 10000, "C2": 15000, "C3": 6000,
         "C4": 10000, "C5": 30000}


def summary(live, headers, **params):
    r = requests.get(live.url("/orders/summary"), params=params, headers=headers, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def listed(live, headers, **params) -> list[dict]:
    r = requests.get(live.url("/orders"), params=params | {"limit": 200}, headers=headers,
                     timeout=10)
    assert r.status_code == 200, r.text
    return r.json()["orders"]


def expect(*names: str) -> dict[str, int]:
    return {"orders": len(names), "amount_fen": sum(TOTAL[n] for n in names)}


CASES = [
    ({}, expect(*TOTAL)),
    ({"channel": "window"}, expect("W1", "W2", "W3")),
    ({"channel": "ota_meituan,ota_ctrip"}, expect("C1", "C2")),
    ({"status": "paid"}, expect("W1", "W2", "W3", "C1", "C5")),
    ({"status": "anomaly"}, expect("C2")),
    ({"status": "paid,anomaly", "channel": "ota_meituan,agency"}, expect("C2", "C5")),
    ({"created_from": "2026-11-20", "created_to": "2026-11-20"}, expect("C2", "C5")),
    ({"visit_from": "2026-11-22", "visit_to": "2026-11-22"}, expect("W2", "C4")),
    ({"q": "5678"}, expect("C1", "C2")),
    ({"ticket_type": "CHILD"}, expect("W2", "W3", "C2")),
    ({"status": "refunded"}, {"orders": 0, "amount_fen": 0}),
]


def test_count_and_sum_of_the_whole_result(live, shop):  # noqa: F811
    supervisor = live.login("supervisor")
    for params, expected in CASES:
        assert summary(live, supervisor, **params) == expected, params
        orders = listed(live, supervisor, **params)  # the same orders as the search
        assert expected == {"orders": len(orders),
                            "amount_fen": sum(o["total_fen"] for o in orders)}, params


def test_more_than_a_page_is_counted(live, shop):  # noqa: F811
    supervisor = live.login("supervisor")
    r = requests.get(live.url("/orders"), params={"limit": 2}, headers=supervisor, timeout=10)
    assert len(r.json()["orders"]) == 2 and r.json()["next_cursor"]
    assert summary(live, supervisor)["orders"] == 8


def test_same_read_scope_as_the_search(live, shop):  # noqa: F811
    assert summary(live, live.login("clerk1", terminal="01")) == expect("W1", "W3")
    assert summary(live, live.login("clerk2", terminal="02"), channel="window") == expect("W2")
    assert summary(live, live.login("clerk1", terminal="01"), channel="ota_ctrip") == expect()
    assert summary(live, live.login("finance")) == expect(*TOTAL)
    r = requests.get(live.url("/orders/summary"), headers=live.login("gate1"), timeout=10)
    assert_error(r, 403, "forbidden")
    assert_error(requests.get(live.url("/orders/summary"), timeout=10), 401, "unauthorized")


def test_bad_filters_are_a_chinese_422(live, shop):  # noqa: F811
    supervisor = live.login("supervisor")
    for params in ({"channel": "taobao"}, {"status": "paid,lost"}, {"visit_from": "x"},
                   {"status": "paid\x00"}, {"visit_from": "2026-11-23",
                                            "visit_to": "2026-11-21"}):
        r = requests.get(live.url("/orders/summary"), params=params, headers=supervisor,
                         timeout=10)
        assert_error(r, 422, "validation_error")
