"""An anomaly as the HTTP API and the window show it (DESIGN.md §6): the changes feed's JSON
(`changes.anomaly_json`, so the feed and the API agree field by field: the priority is the
stored one, whose age part the sweep brings up to date every 30 s) plus its Chinese labels
and the amount at stake (`anomalies.amount_at_stake`)."""

from typing import Any

from app.domain.anomalies import CATEGORY_LABELS_ZH, KINDS, amount_at_stake
from app.services.journal.changes import anomaly_json
from app.store.models import Anomaly


def view(a: Anomaly) -> dict[str, Any]:
    """The API JSON of one anomaly."""
    out = anomaly_json(a)
    spec = KINDS.get(a.kind)
    return out | {"label_zh": spec.label_zh if spec else a.kind,
                  "category_label_zh": CATEGORY_LABELS_ZH.get(a.category, a.category),
                  "amount_fen": amount_at_stake(out["evidence"])}
