"""Words of the 管理 screen: roles, ticket kinds, device kinds and states, the admin log's
entities, actions and fields, and one readable line for a change (before → after). Source
strings in English (tr), Chinese in the .ts."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication

from app.domain.money import format_fen

translate = QCoreApplication.translate
ROLES = ("clerk", "supervisor", "finance", "admin", "gate")
# what the type dialog offers: a package is a regular type with components (DESIGN.md §2)
TYPE_KINDS = ("regular", "special", "pass", "group", "package")
PAYMENT_METHODS = ("wechat", "alipay", "cash", "ota", "voucher")
ISO_WEEKDAYS = (1, 2, 3, 4, 5, 6, 7)


def role_label(role: str) -> str:
    return {
        "clerk": translate("AdminLabels", "Clerk"),
        "supervisor": translate("AdminLabels", "Supervisor"),
        "finance": translate("AdminLabels", "Finance"),
        "admin": translate("AdminLabels", "Administrator"),
        "gate": translate("AdminLabels", "Gate"),
    }.get(role, role)


def kind_of(ticket_type: Mapping[str, Any]) -> str:
    """`package` for a type with components, else its kind."""
    return "package" if ticket_type.get("components") else str(ticket_type.get("kind", ""))


def ticket_kind_label(kind: str) -> str:
    return {
        "regular": translate("AdminLabels", "Regular"),
        "special": translate("AdminLabels", "Special offer"),
        "pass": translate("AdminLabels", "Pass (uses)"),
        "group": translate("AdminLabels", "Group"),
        "package": translate("AdminLabels", "Package"),
    }.get(kind, kind)


def device_kind_label(kind: str) -> str:
    return {
        "window": translate("AdminLabels", "Ticket window"),
        "gate": translate("AdminLabels", "Gate"),
        "office": translate("AdminLabels", "Office"),
        "server": translate("AdminLabels", "Server"),
    }.get(kind, kind)


def device_status_label(status: str) -> str:
    return {
        "online": translate("AdminLabels", "Online"),
        "fault": translate("AdminLabels", "Fault"),
        "maintenance": translate("AdminLabels", "Maintenance"),
        "offline": translate("AdminLabels", "Offline"),
    }.get(status, status)


def active_label(active: Any) -> str:
    if active:
        return translate("AdminLabels", "Active")
    return translate("AdminLabels", "Deactivated")


def method_label(method: str) -> str:
    return {
        "wechat": translate("AdminLabels", "WeChat Pay"),
        "alipay": translate("AdminLabels", "Alipay"),
        "cash": translate("AdminLabels", "Cash"),
        "ota": translate("AdminLabels", "OTA platform"),
        "voucher": translate("AdminLabels", "Voucher"),
    }.get(method, method)


def weekday_label(iso: int) -> str:
    return (translate("AdminLabels", "Mon"), translate("AdminLabels", "Tue"),
            translate("AdminLabels", "Wed"), translate("AdminLabels", "Thu"),
            translate("AdminLabels", "Fri"), translate("AdminLabels", "Sat"),
            translate("AdminLabels", "Sun"))[iso - 1]


def percent(bp: Any) -> str:
    return f"{int(bp) / 100:g}%" if isinstance(bp, int) else str(bp)


def entity_label(entity: str) -> str:
    return {
        "user": translate("AdminLabels", "User"),
        "device": translate("AdminLabels", "Device"),
        "ticket_type": translate("AdminLabels", "Ticket type"),
        "inventory": translate("AdminLabels", "Capacity"),
        "refund_policy": translate("AdminLabels", "Refund policy"),
        "force_majeure": translate("AdminLabels", "Force majeure"),
    }.get(entity, entity)


def action_label(action: str) -> str:
    return {
        "create": translate("AdminLabels", "Created"),
        "update": translate("AdminLabels", "Changed"),
        "register": translate("AdminLabels", "Registered"),
        "set": translate("AdminLabels", "Set"),
        "propose": translate("AdminLabels", "Proposed"),
        "confirm": translate("AdminLabels", "Confirmed"),
        "deactivate": translate("AdminLabels", "Deactivated"),
    }.get(action, action)


def actor_label(actor: str) -> str:
    """`user:admin` → admin; the command line and the system in words."""
    if actor.startswith("user:"):
        return actor[5:]
    return {
        "cli": translate("AdminLabels", "command line"),
        "system": translate("AdminLabels", "system"),
    }.get(actor, actor)


def field_label(key: str) -> str:
    return {
        "username": translate("AdminLabels", "User name"),
        "display_name": translate("AdminLabels", "Display name"),
        "role": translate("AdminLabels", "Role"),
        "active": translate("AdminLabels", "State"),
        "password_changed": translate("AdminLabels", "Password"),
        "kind": translate("AdminLabels", "Kind"),
        "terminal": translate("AdminLabels", "Window no."),
        "location": translate("AdminLabels", "Location"),
        "device_id": translate("AdminLabels", "Device"),
        "code": translate("AdminLabels", "Code"),
        "name": translate("AdminLabels", "Name"),
        "price_fen": translate("AdminLabels", "Price"),
        "components": translate("AdminLabels", "Components"),
        "uses_total": translate("AdminLabels", "Uses"),
        "min_group_size": translate("AdminLabels", "Minimum group"),
        "capacity": translate("AdminLabels", "Capacity"),
        "from": translate("AdminLabels", "From"),
        "to": translate("AdminLabels", "To"),
        "weekdays": translate("AdminLabels", "Weekdays"),
        "visit_date": translate("AdminLabels", "Visit date"),
        "holidays": translate("AdminLabels", "Holidays"),
        "dual_approval_fen": translate("AdminLabels", "Dual approval from"),
        "payment_fee_bp": translate("AdminLabels", "Payment fees"),
        "fee_bp": translate("AdminLabels", "Fee"),
        "label": translate("AdminLabels", "Note"),
        "status": translate("AdminLabels", "Status"),
        "confirmed_by": translate("AdminLabels", "Confirmed by"),
        "set_by": translate("AdminLabels", "Proposed by"),
        "same_day_fee_bp": translate("AdminLabels", "Same-day fee"),
        "start": translate("AdminLabels", "From"),
        "end": translate("AdminLabels", "To"),
    }.get(key, key)


def _none() -> str:
    return translate("AdminLabels", "none")


def _holidays(value: Any) -> str:
    if not isinstance(value, list):
        return _plain(value)
    return "、".join(f"{h.get('start')}～{h.get('end')} {percent(h.get('same_day_fee_bp'))}"
                    for h in value if isinstance(h, dict)) or _none()


def _fees(value: Any) -> str:
    if not isinstance(value, dict):
        return _plain(value)
    return "、".join(f"{method_label(m)} {percent(bp)}" for m, bp in value.items()) or _none()


def _plain(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return translate("AdminLabels", "yes") if value else translate("AdminLabels", "no")
    if isinstance(value, list | tuple):
        return "+".join(str(v) for v in value) or "—"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _rule_status(value: Any) -> str:
    if value == "pending":
        return translate("AdminLabels", "waiting for a second person")
    if value == "active":
        return translate("AdminLabels", "in force")
    return device_status_label(str(value))


def _weekdays(value: Any) -> str:
    if isinstance(value, list) and all(isinstance(d, int) and 1 <= d <= 7 for d in value):
        return "、".join(weekday_label(d) for d in value)
    return _plain(value)


def _kind(value: Any) -> str:
    """A ticket type's kind, or a device's (the log's `kind` is either)."""
    text = ticket_kind_label(str(value))
    return device_kind_label(str(value)) if text == value else text


def _password(value: Any) -> str:
    return translate("AdminLabels", "reset") if value else "—"


_VALUES: dict[str, Callable[[Any], str]] = {
    "role": lambda v: role_label(str(v)),
    "active": active_label,
    "password_changed": _password,
    "kind": _kind,
    "status": _rule_status,
    "holidays": _holidays,
    "payment_fee_bp": _fees,
    "weekdays": _weekdays,
}


def value_text(key: str, value: Any) -> str:
    """One field's value as an admin reads it (money, rates, roles, yes/no)."""
    if key in _VALUES:
        return _VALUES[key](value)
    if key.endswith("_fen") and isinstance(value, int):
        return format_fen(value)
    if key.endswith("_bp") and isinstance(value, int):
        return percent(value)
    return _plain(value)


def change_text(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> str:
    """`角色：售票员 → 值班主管；状态：启用 → 停用` — only what differs; a new record lists
    its fields."""
    before, after = dict(before or {}), dict(after or {})
    if not before:
        return "；".join(f"{field_label(k)}：{value_text(k, v)}" for k, v in after.items()
                        if k != "password_changed")
    keys = [k for k in after if before.get(k) != after.get(k)]
    keys += [k for k in before if k not in after]
    parts = []
    for k in keys:
        if k == "password_changed":
            parts.append(translate("AdminLabels", "Password reset"))
        else:
            parts.append(f"{field_label(k)}：{value_text(k, before.get(k))} → "
                         f"{value_text(k, after.get(k))}")
    return "；".join(parts) or translate("AdminLabels", "no change")


def local_time(text: str, local: Callable[[datetime], datetime]) -> str:
    """An ISO UTC instant as venue-local `2026-11-21 10:00`."""
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return str(text)
    return local(at).strftime("%Y-%m-%d %H:%M")
