"""What the sync engine tells the rest of the client (the UI bridges these with queued signals).

Kinds: `status` (online/offline, pending and rejected ops, last sync, alert, clock),
`orders_changed` (order ids whose cached rows changed), `anomalies_changed` (anomaly ids whose
cached rows changed: new ones, fixed ones) and `alert` (the store could not be reached three
times in a row; ops are kept and retried).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

STATUS = "status"
ORDERS_CHANGED = "orders_changed"
ANOMALIES_CHANGED = "anomalies_changed"
ALERT = "alert"


@dataclass(frozen=True)
class SyncStatus:
    online: bool
    pending: int  # ops not yet accepted by the store (pending + inflight)
    rejected: int  # ops the store refused: the supervisor must look at them
    last_sync_at: datetime | None
    alert: str | None  # a Chinese sentence while the store keeps failing
    clock_offset_s: float  # store clock − device clock
    clock_skewed: bool  # |offset| > 5 min


@dataclass(frozen=True)
class SyncEvent:
    kind: str
    status: SyncStatus
    order_ids: tuple[str, ...] = ()
    anomaly_ids: tuple[str, ...] = ()
