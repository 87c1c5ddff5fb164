"""Reports (DESIGN.md §15): the day, the KPIs of a period, refund and anomaly analytics — for
supervisors, finance and admins. Dates are venue-local `YYYY-MM-DD`; the services parse them
(a bad date, `from` after `to` or more than 366 days: 422 in Chinese)."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from app.services.reports import (
    anomaly_report,
    day_close,
    day_report,
    kpi_report,
    refund_report,
    settlements,
)

from ..deps import SUPERVISORS, AtVenue, Db, Now, require
from ..tokens import Principal

router = APIRouter()
Reader = Annotated[Principal, Depends(require(*SUPERVISORS))]
Closer = Annotated[Principal, Depends(require("finance", "admin"))]
Finance = Annotated[Principal, Depends(require("finance"))]
Day = Annotated[str | None, Query(alias="date", max_length=32)]
From = Annotated[str | None, Query(alias="from", max_length=32)]
To = Annotated[str | None, Query(alias="to", max_length=32)]
Fen = Annotated[int, Field(strict=True)]


@router.get("/reports/day")
def day(_: Reader, s: Db, now: Now, venue: AtVenue, date: Day = None) -> dict[str, Any]:
    """`{date, orders, tickets, revenue_fen, refunds_fen, entries, capacity, by_channel,
    by_hour, status_mix, anomalies_open, approvals_waiting, devices_offline}`."""
    return day_report.day_report(s, date, now=now, venue=venue).to_dict()


@router.get("/reports/kpis")
def kpis(_: Reader, s: Db, venue: AtVenue, first: From = None,
         last: To = None) -> dict[str, Any]:
    """`{days, valid_orders, valid_orders_per_day, revenue_fen, aov_fen, refund_rate_bp,
    repeat_rate_bp}`."""
    return kpi_report.kpis(s, first, last, venue=venue).to_dict()


@router.get("/reports/refunds")
def refunds(_: Reader, s: Db, venue: AtVenue, first: From = None,
            last: To = None) -> dict[str, Any]:
    """Refund requests by hour, ticket kind, rule and route; the reasons of interventions."""
    return refund_report.refund_report(s, first, last, venue=venue)


@router.get("/reports/anomalies")
def anomalies(_: Reader, s: Db, venue: AtVenue, first: From = None,
              last: To = None) -> dict[str, Any]:
    """Anomalies by kind: opened, resolved, share, median minutes to resolve, came back."""
    return anomaly_report.anomaly_report(s, first, last, venue=venue)


class SettlementFile(BaseModel):
    """A settlement file: `source` (the channel or provider, e.g. `wechat`, `ota_meituan`)
    and `csv`, its text with the header `order_no,txn_id,amount_fen,fee_fen,date`."""

    source: str = Field(min_length=1, max_length=32)
    csv: str = Field(max_length=20_000_000)  # an empty file: the service says so


@router.get("/reports/day-close")
def day_close_report(_: Closer, s: Db, now: Now, venue: AtVenue,
                     date: Day = None) -> dict[str, Any]:
    """`{date, closed_by, closed_at, windows, methods, channels, totals, discrepancies,
    late_entries, late_totals}` (finance, admin); a closed day shows its closed figures."""
    return day_close.day_close(s, date, now=now, venue=venue)


class CloseDay(BaseModel):
    """`{expected?: {total: fen}}`: the day's totals as finance confirmed them (any of them);
    the close is refused (409) if they moved since, and a name that is no total is a 422."""

    model_config = ConfigDict(extra="forbid")
    expected: dict[str, Fen] | None = None


@router.post("/reports/day-close/{date}")
def close(user: Finance, s: Db, now: Now, venue: AtVenue, date: str,
          body: CloseDay | None = None) -> dict[str, Any]:
    """Finance closes the day (who, when); 409 `conflict` when it is already closed, or
    when the `expected` totals finance confirmed are no longer the day's."""
    return day_close.close_day(s, date, actor=user.username, now=now, venue=venue,
                               expected=body.expected if body else None)


@router.post("/reports/settlements")
def import_settlements(user: Finance, s: Db, now: Now, body: SettlementFile) -> dict[str, Any]:
    """Import one settlement file (finance). CSV columns: `order_no` (the store's order
    number), `txn_id` (the provider's transaction id), `amount_fen`, `fee_fen` (integers,
    fen), `date` (the settlement's local date, YYYY-MM-DD). → `{source, lines, matched,
    unknown_order, amount_differs, skipped}`; a bad file: 422, nothing stored."""
    return settlements.import_settlement(s, body.source, body.csv, actor=user.username,
                                         now=now).to_dict()
