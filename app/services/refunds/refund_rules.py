"""Force-majeure batch refund rules (DESIGN.md §5, §14): "every visit of 2026-12-10 refunds at
0 %", kept under `settings[refund_rules]`.

A rule needs two people: the first supervisor (or admin) to set it makes it `pending`; it
takes effect (`active`) when a different supervisor or admin sets the same rule (same fee and
label) for the same date. Until then the date's earlier active rule, if any, still applies.
Setting a different rule, or the same person setting it again, replaces the proposal."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from app.domain import actors
from app.domain.errors import Forbidden, ValidationError
from app.services.journal import admin_log
from app.store.models import Setting

RULES_KEY = "refund_rules"
SETTERS = ("supervisor", "admin")


@dataclass(frozen=True)
class ForceMajeure:
    """A batch rule: every visit of `visit_date` refunds at `fee_bp`."""

    visit_date: date
    fee_bp: int
    label: str
    set_by: str
    status: str = "active"  # pending until a second person confirms it
    confirmed_by: str = ""


def _rule(item: dict[str, Any], status: str) -> ForceMajeure:
    return ForceMajeure(date.fromisoformat(item["visit_date"]), int(item["fee_bp"]),
                        str(item["label"]), str(item.get("set_by", "")), status,
                        str(item.get("confirmed_by", "")))


def force_majeure_rules(session: Session, *, pending: bool = False) -> list[ForceMajeure]:
    """The rules in effect (`pending`: the proposals waiting for a second person too)."""
    row = session.get(Setting, RULES_KEY)
    return rules_of(row.value if row else None, pending=pending)


def rules_of(value: Mapping[str, Any] | None, *, pending: bool = False) -> list[ForceMajeure]:
    """`force_majeure_rules` of a `settings[refund_rules]` value the caller read itself
    (None: no row)."""
    value = value or {}
    out = [_rule(item, "active") for item in value.get("rules", [])]
    if pending:
        out += [_rule(item, "pending") for item in value.get("pending", [])]
    return out


def _check(visit_date: date, fee_bp: int, label: str, role: str) -> None:
    if role not in SETTERS:
        raise Forbidden("只有主管可以设置不可抗力批量退票规则")
    if not 0 <= fee_bp <= 10000 or not label.strip():
        raise ValidationError("批量规则需要 0–10000 的费率和说明", field="fee_bp")


def _without(items: list[dict[str, Any]], day: str) -> list[dict[str, Any]]:
    return [r for r in items if r["visit_date"] != day]


def set_force_majeure(session: Session, visit_date: date, *, fee_bp: int = 0, label: str,
                      actor: str, role: str, now: datetime) -> ForceMajeure:
    """Propose the date's rule, or confirm another person's identical proposal (see the
    module docstring); the rule as it now stands."""
    _check(visit_date, fee_bp, label, role)
    day = visit_date.isoformat()
    item = {"visit_date": day, "fee_bp": fee_bp, "label": label.strip(), "set_by": actor,
            "set_at": now.isoformat()}
    with session.begin():
        row = session.get(Setting, RULES_KEY, with_for_update=True)
        if row is None:
            row = Setting(key=RULES_KEY, value={"rules": []}, updated_at=now)
            session.add(row)
        rules, pending = list(row.value.get("rules", [])), list(row.value.get("pending", []))
        waiting = next((r for r in pending if r["visit_date"] == day), None)
        if (waiting is not None and waiting["set_by"] != actor
                and (waiting["fee_bp"], waiting["label"]) == (fee_bp, item["label"])):
            done = waiting | {"confirmed_by": actor, "confirmed_at": now.isoformat()}
            rules, pending, status = [*_without(rules, day), done], _without(pending, day), \
                "active"
        else:
            done, pending, status = item, [*_without(pending, day), item], "pending"
        before = next((r for r in row.value.get("rules", []) if r["visit_date"] == day), None)
        row.value, row.updated_at = {"rules": rules, "pending": pending}, now
        admin_log.record(session, actor=actors.user(actor), entity="force_majeure", key=day,
                         action="confirm" if status == "active" else "propose",
                         before=before, after=done | {"status": status}, at=now)
    return _rule(done, status)
