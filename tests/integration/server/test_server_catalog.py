"""Catalog and inventory shapes, and the admin's capacity changes, over real HTTP."""

import requests
from conftest import assert_error, snapshot


def test_catalog_has_the_section_8_shape(live):
    r = requests.get(live.url("/catalog"), headers=live.login("gate1"), timeout=10)
    assert r.status_code == 200
    types = {t["code"]: t for t in r.json()["ticket_types"]}
    assert list(types)[:2] == ["ADULT", "CHILD"]
    assert types["FAMILY"] == {"code": "FAMILY", "name": "亲子套票", "kind": "regular",
                               "price_fen": 13000, "components": ["ADULT", "CHILD"],
                               "uses_total": 1, "min_group_size": 1}
    assert types["ANNUAL"]["kind"] == "pass" and types["ANNUAL"]["uses_total"] == 12
    assert types["GROUP"]["min_group_size"] == 10


def test_inventory_of_a_date_and_today_by_default(live):
    headers = live.login("clerk1")
    today = live.venue.local_date(live.clock()).isoformat()
    r = requests.get(live.url("/inventory"), params={"date": today}, headers=headers, timeout=10)
    assert r.status_code == 200
    body = r.json()
    assert body["date"] == today
    adult = next(i for i in body["items"] if i["ticket_type"] == "ADULT")
    assert adult == {"ticket_type": "ADULT", "capacity": 1000, "sold": 0, "held": 0,
                     "available": 1000}
    assert requests.get(live.url("/inventory"), headers=headers, timeout=10).json() == body
    assert_error(requests.get(live.url("/inventory"), params={"date": "tomorrow"},
                              headers=headers, timeout=10), 422, "validation_error")


def test_capacity_refusals_write_nothing(live):
    admin = live.login("admin")
    day = live.venue.local_date(live.clock()).isoformat()
    before = snapshot(live.db)
    for path, body, status, code in (
            (f"/inventory/{day}/ADULT", {"capacity": -1}, 422, "validation_error"),
            (f"/inventory/{day}/ADULT", {"capacity": "5"}, 422, "validation_error"),
            (f"/inventory/{day}/ADULT", {"capacity": 10**30}, 422, "validation_error"),
            (f"/inventory/{day}/ADULT", {"capacity": 5, "sold": 0}, 422, "validation_error"),
            (f"/inventory/{day}/FAMILY", {"capacity": 5}, 422, "validation_error"),
            (f"/inventory/{day}/NOPE", {"capacity": 5}, 404, "not_found"),
            ("/inventory/2026-13-01/ADULT", {"capacity": 5}, 422, "validation_error")):
        r = requests.put(live.url(path), json=body, headers=admin, timeout=10)
        assert_error(r, status, code)
    assert snapshot(live.db) == before
