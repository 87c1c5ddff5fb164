"""Force-majeure batch refund rules (DESIGN.md §5, §14): "all visits of 2026-12-10 refund
fee-free", declared by two people — the first PUT makes the rule `pending`, the same PUT by a
different supervisor or admin makes it `active` — then applied by every quote of that visit
date and logged in it."""

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from app.services.refunds import refund_rules
from app.store.db import read_transaction

from ..deps import Db, Now, Staff, require
from ..fields import text
from ..tokens import Principal

router = APIRouter()
RuleSetter = Annotated[Principal, Depends(require("supervisor", "admin"))]


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
