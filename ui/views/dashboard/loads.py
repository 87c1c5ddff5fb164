"""What the dashboard asks of the central store: workers run off the GUI thread (ui.tasks) with
the signed-in user's StoreClient (`ctx.store`) and touch no widget. One `Snapshot` is one
reload: today's report with yesterday's and last week's for comparison, the KPIs, refund and
anomaly analytics of the chosen period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QCoreApplication

from app.domain.errors import DomainError
from ui.context import ClientContext
from ui.views.dashboard.periods import compared_days

translate = QCoreApplication.translate


class NotConnected(DomainError):
    """No store to ask: the screen says so instead of failing."""

    code = "not_connected"

    def __init__(self) -> None:
        super().__init__(translate("DashboardLoads", "Not connected to the central store: the "
                                                     "reports are made there."))


@dataclass(frozen=True)
class Snapshot:
    day: dict[str, Any]
    yesterday: dict[str, Any]
    last_week: dict[str, Any]
    kpis: dict[str, Any]
    refunds: dict[str, Any]
    anomalies: dict[str, Any]
    first: date
    last: date
    read_at: datetime


def load_snapshot(ctx: ClientContext, day: date, first: date, last: date) -> Snapshot:
    """Six report requests; any failure (TransientError offline, PermanentError refused)
    reaches the screen whole — a half-read snapshot is never shown."""
    store = ctx.store
    if store is None:
        raise NotConnected()
    yesterday, last_week = compared_days(day)
    a, b = first.isoformat(), last.isoformat()
    return Snapshot(
        day=store.day_report(day.isoformat()),
        yesterday=store.day_report(yesterday.isoformat()),
        last_week=store.day_report(last_week.isoformat()),
        kpis=store.kpis(a, b), refunds=store.refund_report(a, b),
        anomalies=store.anomaly_report(a, b), first=first, last=last, read_at=ctx.now())
