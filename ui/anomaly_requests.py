"""What the Anomalies view asks of this window's database and of the central store: workers
that run off the GUI thread (ui.tasks) and touch no widget."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.domain.anomalies import device_ids
from ui.context import ClientContext
from ui.store_reads import TimelineResult, load_devices, load_timeline

if TYPE_CHECKING:
    from app.services.anomalies.anomaly_queue import QueuePage


@dataclass(frozen=True)
class AnomalyDetail:
    """What the pane shows: the cached anomaly with its `order` and the `inventory` involved
    (`anomaly_queue.anomaly_detail`), the timeline and the devices the store knows (empty
    offline)."""

    anomaly: dict[str, Any]
    timeline: TimelineResult | None
    devices: dict[str, dict[str, Any]] = field(default_factory=dict)
    ticket_names: dict[str, str] = field(default_factory=dict)  # ADULT → 成人票


def load_queue(ctx: ClientContext, category: str | None, cursor: str | None,
               want: int, categories: frozenset[str] | None = None) -> QueuePage:
    """The open anomalies of `category` (None: all of `categories`, None: every one) after
    `cursor`, as the store's `GET /anomalies` would answer them, from this window's cache."""
    from app.services.anomalies import anomaly_queue

    with ctx.session() as session:
        return anomaly_queue.list_anomalies(
            session, anomaly_queue.QueueFilters(category=category, categories=categories),
            cursor=cursor,
            limit=min(want, anomaly_queue.MAX_LIMIT))


def load_detail(ctx: ClientContext, anomaly_id: str, online: bool) -> AnomalyDetail:
    """The cached anomaly; online also the store's timeline and devices."""
    from app.services.anomalies import anomaly_queue

    with ctx.session() as session:
        d = anomaly_queue.anomaly_detail(session, anomaly_id)
        names = ticket_names(session)
    # the pane and the fixes read one dict: the order's version goes with a fix
    a = d.anomaly | {"order": d.order, "inventory": d.stock}
    timeline = load_timeline(ctx, a["order_no"], online) if a.get("order_no") else None
    devices = timeline.devices if timeline is not None else {}
    if online and device_ids(a["evidence"]) and not devices:
        devices = load_devices(ctx)
    return AnomalyDetail(a, timeline, devices, names)


def ticket_names(session: Any) -> dict[str, str]:
    """The catalogue's ticket type names in this window's database."""
    import sqlalchemy as sa

    from app.store.models import TicketTypeRow

    return dict(session.execute(sa.select(TicketTypeRow.code, TicketTypeRow.name)).all())


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
