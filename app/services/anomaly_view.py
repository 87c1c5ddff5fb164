"""An anomaly as the HTTP API shows it (DESIGN.md §6): the changes feed's JSON
(`changes.anomaly_json`, so the feed and the API agree field by field) plus its Chinese
label, the amount at stake when the evidence names one, and the priority at `now` (the
stored priority plus the age earned since detection: old ones rise)."""

from datetime import datetime
from typing import Any

from app.domain.anomalies import CATEGORY_LABELS_ZH, KINDS, AnomalyStatus, current_priority
from app.store.models import Anomaly

from .changes import anomaly_json


def amount_of(evidence: dict[str, Any]) -> int | None:
    amount = evidence.get("amount_fen")
    return amount if isinstance(amount, int) and not isinstance(amount, bool) else None


def view(a: Anomaly, *, now: datetime) -> dict[str, Any]:
    """The API JSON of one anomaly. A closed anomaly keeps its stored priority."""
    out = anomaly_json(a)
    spec = KINDS.get(a.kind)
    if a.status == AnomalyStatus.OPEN:
        out["priority"] = current_priority(a.priority, a.detected_at, now)
    return out | {"label_zh": spec.label_zh if spec else a.kind,
                  "category_label_zh": CATEGORY_LABELS_ZH.get(a.category, a.category),
                  "amount_fen": amount_of(out["evidence"])}
