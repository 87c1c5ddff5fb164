"""The admin requests of StoreClient (DESIGN.md §14, §15): each method sends exactly the path and
body the contract fixes, and a §8 refusal comes back as a PermanentError with its Chinese
message — over a scripted HTTP session (the routes that exist are also driven for real in
tests/ui/test_admin_view.py)."""

import pytest
from test_sync_transport import client, error, response

from sync.transport import PermanentError

BASE = "http://store/api/v1"
CASES = [
    (lambda c: c.users(), {"users": []}, "GET", "/users", None, None),
    (lambda c: c.add_user({"username": "zhang3", "role": "clerk", "password": "Ticket-2026"}),
     {}, "POST", "/users", {"username": "zhang3", "role": "clerk", "password": "Ticket-2026"},
     None),
    (lambda c: c.change_user("li si", {"active": False}), {}, "PUT", "/users/li%20si",
     {"active": False}, None),
    (lambda c: c.register_device({"device_id": "window-03", "kind": "window",
                                  "terminal": "03"}), {}, "POST", "/devices",
     {"device_id": "window-03", "kind": "window", "terminal": "03"}, None),
    (lambda c: c.change_device("gate-1", {"location": "南门"}), {}, "PUT", "/devices/gate-1",
     {"location": "南门"}, None),
    (lambda c: c.catalog(), {"ticket_types": []}, "GET", "/catalog", None, None),
    (lambda c: c.add_ticket_type({"code": "FAMILY2", "kind": "regular",
                                  "components": ["ADULT", "CHILD"]}), {}, "POST",
     "/catalog/ticket-types", {"code": "FAMILY2", "kind": "regular",
                               "components": ["ADULT", "CHILD"]}, None),
    (lambda c: c.change_ticket_type("ADULT", {"price_fen": 12000}), {}, "PUT",
     "/catalog/ticket-types/ADULT", {"price_fen": 12000}, None),
    (lambda c: c.inventory("2026-11-21"), {"items": []}, "GET", "/inventory", None,
     {"date": "2026-11-21"}),
    (lambda c: c.set_capacity_range("ADULT", "2026-12-01", "2026-12-31", 800, [6, 7]),
     {"items": []}, "PUT", "/inventory/ADULT",
     {"from": "2026-12-01", "to": "2026-12-31", "capacity": 800, "weekdays": [6, 7]}, None),
    (lambda c: c.set_capacity_range("ADULT", "2026-12-01", "2026-12-31", 800),
     {"items": []}, "PUT", "/inventory/ADULT",
     {"from": "2026-12-01", "to": "2026-12-31", "capacity": 800}, None),
    (lambda c: c.refund_policy(), {}, "GET", "/refund-policy", None, None),
    (lambda c: c.set_refund_policy({"holidays": [], "dual_approval_fen": 300000,
                                    "payment_fee_bp": {"wechat": 60}}), {}, "PUT",
     "/refund-policy", {"holidays": [], "dual_approval_fen": 300000,
                        "payment_fee_bp": {"wechat": 60}}, None),
    (lambda c: c.force_majeure_rules(), {"rules": []}, "GET", "/refund-rules/force-majeure",
     None, None),
    (lambda c: c.set_force_majeure("2026-11-26", 0, "暴雨闭园"), {}, "PUT",
     "/refund-rules/force-majeure/2026-11-26", {"fee_bp": 0, "label": "暴雨闭园"}, None),
    (lambda c: c.admin_changes(entity="user", before=40), {"changes": []}, "GET",
     "/admin/changes", None, {"entity": "user", "before": 40, "limit": 50}),
]


@pytest.mark.parametrize("ask, answer, method, path, body, params", CASES)
def test_each_admin_request_is_the_contracts(ask, answer, method, path, body, params):
    c, http = client(response(200, answer))
    ask(c)
    [(sent_method, url, kw)] = http.calls
    assert (sent_method, url) == (method, BASE + path)
    assert kw["json"] == body and kw["params"] == params


def test_a_refusal_keeps_the_stores_words():
    c, _ = client(response(409, error("conflict", "这是最后一个可用的管理员账号，不能停用或改为其他角色")))
    with pytest.raises(PermanentError) as refused:
        c.change_user("admin", {"active": False})
    assert refused.value.code == "conflict" and "最后一个可用的管理员" in refused.value.message
