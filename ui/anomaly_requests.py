"""What the Anomalies view asks of this window's database and of the central store: workers
that run off the GUI thread (ui.tasks) and touch no widget."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ui.context import ClientContext
from ui.store_reads import TimelineResult, load_devices, load_timeline


@dataclass(frozen=True)
class AnomalyDetail:
    """What the pane shows: the cached anomaly (`anomaly_list.anomaly_detail`), the timeline
    and the devices the store knows (empty offline)."""

    anomaly: dict[str, Any]
    timeline: TimelineResult | None
    devices: dict[str, dict[str, Any]] = field(default_factory=dict)


def device_ids(anomaly: Mapping[str, Any]) -> list[str]:
    evidence = anomaly.get("evidence") or {}
    found = [anomaly.get("device_id"), evidence.get("device_id"),
             evidence.get("first_redeemed_by")]
    return list(dict.fromkeys(str(d) for d in found if d))


def load_queue(ctx: ClientContext, category: str | None,
               want: int) -> tuple[list[dict[str, Any]], dict[str, int]]:
    from app.services import anomaly_list

    with ctx.session() as session:
        rows = anomaly_list.list_anomalies(session, category=category,
                                           limit=min(want, anomaly_list.MAX_LIMIT))
        return rows, anomaly_list.open_counts(session)


def load_detail(ctx: ClientContext, anomaly_id: str, online: bool) -> AnomalyDetail:
    """The cached anomaly; online also the store's timeline and devices."""
    from app.services import anomaly_list

    with ctx.session() as session:
        a = anomaly_list.anomaly_detail(session, anomaly_id)
    timeline = load_timeline(ctx, a["order_no"], online) if a.get("order_no") else None
    devices = timeline.devices if timeline is not None else {}
    if online and device_ids(a) and not devices:
        devices = load_devices(ctx)
    return AnomalyDetail(a, timeline, devices)


def send_fix(ctx: ClientContext, anomaly_id: str, action: str, note: str,
             order_version: int | None) -> dict[str, Any]:
    return ctx.store.fix_anomaly(anomaly_id, action, note or None, order_version)


def send_batch(ctx: ClientContext, ids: list[str], action: str, note: str) -> dict[str, Any]:
    return ctx.store.batch_anomalies(ids, action, note)


def keep_answer(ctx: ClientContext, answer: dict[str, Any]) -> None:
    """The rows a fix answered, into the cache now (the writer thread)."""
    from sync import cache

    orders = [answer["order"]] if isinstance(answer.get("order"), dict) else []
    anomalies = [answer["anomaly"]] if isinstance(answer.get("anomaly"), dict) else []
    anomalies += [r["anomaly"] for r in answer.get("results") or []  # a batch
                  if isinstance(r, dict) and isinstance(r.get("anomaly"), dict)]
    with ctx.session() as session:
        cache.apply_fetched(session, orders=orders, anomalies=anomalies)
