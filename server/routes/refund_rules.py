"""Force-majeure batch refund rules (DESIGN.md §5, §14): "all visits of 2026-12-10 refund
fee-free", declared by two people — the first PUT makes the rule `pending`, the same PUT by a
different supervisor or admin makes it `active` — then applied by every quote of that visit
date and logged in it. And the refund policy (DESIGN.md §15): GET (supervisor+) and PUT
(admin) /refund-policy — holidays with their same-day rate, the dual-approval line, the
payment-channel fees."""

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from app.domain import actors
from app.domain.refunds import Holiday
from app.services.refunds import refund_policy, refund_rules
from app.store.db import read_transaction

from ..deps import SUPERVISORS, Admin, Db, Now, Staff, require
from ..fields import text
from ..tokens import Principal

router = APIRouter()
RuleSetter = Annotated[Principal, Depends(require("supervisor", "admin"))]
Reader = Annotated[Principal, Depends(require(*SUPERVISORS))]


class RuleBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fee_bp: Annotated[int, Field(strict=True)] = 0  # range checked by the service, in Chinese
    label: text(200)


def _json(rule: refund_rules.ForceMajeure) -> dict[str, Any]:
    return {"visit_date": rule.visit_date.isoformat(), "fee_bp": rule.fee_bp,
            "label": rule.label, "set_by": rule.set_by, "status": rule.status,
            "confirmed_by": rule.confirmed_by or None}


@router.get("/refund-rules/force-majeure")
def list_rules(user: Staff, s: Db) -> dict[str, Any]:
    """Every batch rule in effect and every proposal waiting for a second person, by visit
    date."""
    with read_transaction(s):
        rules = refund_rules.force_majeure_rules(s, pending=True)
    return {"rules": [_json(r) for r in sorted(rules, key=lambda r: (r.visit_date,
                                                                      r.status))]}


@router.put("/refund-rules/force-majeure/{visit_date}")
def set_rule(visit_date: dt.date, body: RuleBody, user: RuleSetter, s: Db,
             now: Now) -> dict[str, Any]:
    """Propose the batch rule of a visit date (`pending`), or confirm another person's
    identical proposal (`active`)."""
    return _json(refund_rules.set_force_majeure(s, visit_date, fee_bp=body.fee_bp,
                                                 label=body.label, actor=user.username,
                                                 role=user.role, now=now))


# -- the refund policy (DESIGN.md §15) ---------------------------------------------------------

class HolidayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: dt.date
    end: dt.date
    same_day_fee_bp: Annotated[int, Field(strict=True)] = 4000  # range checked by the service


class PolicyBody(BaseModel):
    """Fields left out keep their value; `payment_fee_bp` lists the methods to change."""

    model_config = ConfigDict(extra="forbid")

    holidays: Annotated[list[HolidayIn], Field(max_length=refund_policy.MAX_HOLIDAYS)] | None \
        = None
    dual_approval_fen: Annotated[int, Field(strict=True)] | None = None
    payment_fee_bp: dict[text(32), Annotated[int, Field(strict=True)]] | None = None
    version: Annotated[int, Field(strict=True)] | None = None  # the version the admin edited


@router.get("/refund-policy")
def get_policy(_: Reader, s: Db) -> dict[str, Any]:
    """`{holidays:[{start, end, same_day_fee_bp}], dual_approval_fen, payment_fee_bp, version,
    updated_at, updated_by}` — version 0: the code defaults, never set."""
    return refund_policy.current(s)


@router.put("/refund-policy")
def put_policy(body: PolicyBody, admin: Admin, s: Db, now: Now) -> dict[str, Any]:
    """Set the policy every refund requested after it is quoted by (store and windows);
    logged in the admin log. 422 for overlapping holidays, a rate outside 0–10000 bp, a
    negative line or an unknown payment method; 409 when `version` is not the current one."""
    holidays = None if body.holidays is None else [
        Holiday(h.start, h.end, h.same_day_fee_bp) for h in body.holidays]
    change = refund_policy.PolicyChange(holidays, body.dual_approval_fen, body.payment_fee_bp)
    return refund_policy.set_policy(s, change, actor=actors.user(admin.username), now=now,
                                    expected_version=body.version)
