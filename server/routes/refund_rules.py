"""Force-majeure batch refund rules (DESIGN.md §5): "all visits of 2026-12-10 refund fee-free",
declared by a supervisor, applied by every quote of that visit date and logged in it."""

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from app.services.refunds import refund_quotes
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


def _json(rule: refund_quotes.ForceMajeure) -> dict[str, Any]:
    return {"visit_date": rule.visit_date.isoformat(), "fee_bp": rule.fee_bp,
            "label": rule.label, "set_by": rule.set_by}


@router.get("/refund-rules/force-majeure")
def list_rules(user: Staff, s: Db) -> dict[str, Any]:
    """Every batch rule, by visit date."""
    with read_transaction(s):
        rules = refund_quotes.force_majeure_rules(s)
    return {"rules": [_json(r) for r in sorted(rules, key=lambda r: r.visit_date)]}


@router.put("/refund-rules/force-majeure/{visit_date}")
def set_rule(visit_date: dt.date, body: RuleBody, user: RuleSetter, s: Db,
             now: Now) -> dict[str, Any]:
    """Declare (or replace) the batch rule of a visit date."""
    return _json(refund_quotes.set_force_majeure(s, visit_date, fee_bp=body.fee_bp,
                                                 label=body.label, actor=user.username,
                                                 role=user.role, now=now))
