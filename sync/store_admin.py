"""The administration endpoints of the store's client (DESIGN.md §14, §15), mixed into
`sync.transport.StoreClient`: users, devices, the catalog, capacity, the refund policy and
force-majeure rules, the admin log. Errors as `StoreClient._request`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote


def seg(text: str) -> str:
    """One path segment (an order no., a user name or an id) quoted."""
    return quote(text, safe="")


_seg = seg


class AdminEndpoints:
    _request: Callable[..., Any]  # StoreClient's

    def users(self) -> list[dict[str, Any]]:
        """GET /users (admin) → every user `{username, display_name, role, active}`."""
        return list(self._request("GET", "/users")["users"])

    def add_user(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """POST /users {username, display_name?, role, password, active?} → the user; 422 for
        a password the rule refuses, 409 when the name is taken."""
        return self._request("POST", "/users", json=dict(body))

    def change_user(self, username: str, changes: Mapping[str, Any]) -> dict[str, Any]:
        """PUT /users/{username} {display_name?, role?, password?, active?} → the user; 409
        for the last active admin."""
        return self._request("PUT", f"/users/{_seg(username)}", json=dict(changes))

    def register_device(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """POST /devices {device_id, kind, terminal?, location?} → {device_id, device_secret,
        device}: the secret is in this answer only."""
        return self._request("POST", "/devices", json=dict(body))

    def change_device(self, device_id: str, changes: Mapping[str, Any]) -> dict[str, Any]:
        """PUT /devices/{id} {location?, active?} → the device."""
        return self._request("PUT", f"/devices/{_seg(device_id)}", json=dict(changes))

    def catalog(self) -> list[dict[str, Any]]:
        """GET /catalog → the ticket types `{code, name, kind, price_fen, components,
        uses_total, min_group_size}` (and `active` where the store says)."""
        return list(self._request("GET", "/catalog")["ticket_types"])

    def ticket_types(self) -> list[dict[str, Any]]:
        """GET /catalog/ticket-types (supervisor+) → every type, on sale or not, with
        `active`, `sort_order` and `sold` (the 管理 screen's list)."""
        return list(self._request("GET", "/catalog/ticket-types")["ticket_types"])

    def add_ticket_type(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """POST /catalog/ticket-types {code, name, kind, price_fen, components?, uses_total?,
        min_group_size?, active} → the type."""
        return self._request("POST", "/catalog/ticket-types", json=dict(body))

    def change_ticket_type(self, code: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """PUT /catalog/ticket-types/{code} → the type (a new price applies to later sales;
        `active: false` takes it off sale, nothing is deleted)."""
        return self._request("PUT", f"/catalog/ticket-types/{_seg(code)}", json=dict(body))

    def inventory(self, day: str) -> dict[str, Any]:
        """GET /inventory?date= → {date, items: [{ticket_type, capacity, sold, held,
        available}]}."""
        return self._request("GET", "/inventory", params={"date": day})

    def set_capacity_range(self, ticket_type: str, first: str, last: str, capacity: int,
                           weekdays: list[int] | None = None) -> dict[str, Any]:
        """PUT /inventory/{ticket_type} {from, to, capacity, weekdays?} → {items}: one capacity
        over the dates from `first` to `last` (ISO weekdays 1–7 when given)."""
        body: dict[str, Any] = {"from": first, "to": last, "capacity": capacity}
        if weekdays:
            body["weekdays"] = list(weekdays)
        return self._request("PUT", f"/inventory/{_seg(ticket_type)}", json=body)

    def refund_policy(self) -> dict[str, Any]:
        """GET /refund-policy → {holidays: [{start, end, same_day_fee_bp}],
        dual_approval_fen, payment_fee_bp: {method: bp}}."""
        return self._request("GET", "/refund-policy")

    def set_refund_policy(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """PUT /refund-policy (admin) with the whole policy → the policy stored."""
        return self._request("PUT", "/refund-policy", json=dict(body))

    def force_majeure_rules(self) -> list[dict[str, Any]]:
        """GET /refund-rules/force-majeure → the rules in effect and the proposals waiting
        for a second person."""
        return list(self._request("GET", "/refund-rules/force-majeure")["rules"])

    def set_force_majeure(self, visit_date: str, fee_bp: int, label: str) -> dict[str, Any]:
        """PUT /refund-rules/force-majeure/{date} {fee_bp, label}: a proposal, or the second
        person's confirmation of the same one."""
        return self._request("PUT", f"/refund-rules/force-majeure/{_seg(visit_date)}",
                             json={"fee_bp": fee_bp, "label": label})

    def admin_changes(self, *, entity: str | None = None, key: str | None = None,
                      before: int | None = None, limit: int = 50) -> dict[str, Any]:
        """GET /admin/changes → {changes (newest first), next_before}."""
        params = {k: v for k, v in (("entity", entity), ("key", key), ("before", before),
                                    ("limit", limit)) if v is not None}
        return self._request("GET", "/admin/changes", params=params)
