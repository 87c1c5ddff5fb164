"""The report endpoints of the store's client (DESIGN.md §15), mixed into
`sync.transport.StoreClient`: the day's dashboard figures, KPIs, refund and anomaly reports,
and finance's day close (read, close, settlement files). Exports are `StoreClient.download`.
Errors as `StoreClient._request`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sync.store_admin import seg as _seg


class ReportEndpoints:
    _request: Callable[..., Any]  # StoreClient's

    def day_report(self, day: str) -> dict[str, Any]:
        """GET /reports/day?date= → {date, orders, tickets, revenue_fen, refunds_fen, entries,
        capacity, by_channel, by_hour (24), status_mix, anomalies_open, approvals_waiting,
        devices_offline}."""
        return self._request("GET", "/reports/day", params={"date": day})

    def kpis(self, first: str, last: str) -> dict[str, Any]:
        """GET /reports/kpis?from=&to= → {days, valid_orders, valid_orders_per_day,
        revenue_fen, aov_fen, refund_rate_bp, repeat_rate_bp}."""
        return self._request("GET", "/reports/kpis", params={"from": first, "to": last})

    def refund_report(self, first: str, last: str) -> dict[str, Any]:
        """GET /reports/refunds?from=&to= → refund requests by status, hour, kind, rule and
        route, and the interventions with their reasons."""
        return self._request("GET", "/reports/refunds", params={"from": first, "to": last})

    def anomaly_report(self, first: str, last: str) -> dict[str, Any]:
        """GET /reports/anomalies?from=&to= → {opened, resolved, by_kind, came_back}."""
        return self._request("GET", "/reports/anomalies", params={"from": first, "to": last})

    # -- day close (DESIGN.md §15): finance -------------------------------------------------

    def day_close(self, day: str) -> dict[str, Any]:
        """GET /reports/day-close?date= → {date, closed_by, closed_at, windows, methods,
        channels, totals, discrepancies, late_entries, late_totals}."""
        return self._request("GET", "/reports/day-close", params={"date": day})

    def close_day(self, day: str, expected: dict[str, int] | None = None) -> dict[str, Any]:
        """POST /reports/day-close/{date} → the closed day's report; 409 when already closed
        or when the `expected` totals (as finance confirmed them) moved since."""
        body = {} if expected is None else {"expected": expected}
        return self._request("POST", f"/reports/day-close/{_seg(day)}", json=body)

    def import_settlement(self, source: str, csv_text: str) -> dict[str, Any]:
        """POST /reports/settlements {source, csv} → {source, lines, matched, unknown_order,
        amount_differs, skipped}; a bad file: 422, nothing stored."""
        return self._request("POST", "/reports/settlements",
                             json={"source": source, "csv": csv_text}, timeout=60)
