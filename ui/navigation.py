"""Which screens exist, who sees them (DESIGN.md §11), and how each one is built."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from ui.context import ClientContext

translate = QCoreApplication.translate


@dataclass(frozen=True)
class Screen:
    key: str
    build: Callable[[ClientContext], QWidget]


def screen_title(key: str) -> str:
    return {
        "sell": translate("Navigation", "Sell"),
        "refund": translate("Navigation", "Refund"),
        "orders": translate("Navigation", "Orders"),
        "shift": translate("Navigation", "Shift"),
        "approvals": translate("Navigation", "Approvals"),
        "anomalies": translate("Navigation", "Anomalies"),
        "dashboard": translate("Navigation", "Dashboard"),
        "settings": translate("Navigation", "Settings"),
        "admin": translate("Navigation", "Admin"),
        "day_close": translate("Navigation", "Day close"),
    }[key]


def _coming(key: str) -> str:
    if key == "refund":
        return translate("Navigation", "Refund tickets by the rules, print the refund slip "
                                       "and open the drawer.")
    if key == "orders":
        return translate("Navigation", "Search orders by number, ticket code (scan it) or "
                                       "phone tail, and read each order's timeline.")
    if key == "shift":
        return translate("Navigation", "Open and close your cash shift and print the Z "
                                       "report.")
    return translate("Navigation", "Sales, visitors and channels of the day at a glance.")


def _sell(ctx: ClientContext) -> QWidget:
    from ui.views.sell_view import SellView

    return SellView(ctx)


def _orders(ctx: ClientContext) -> QWidget:
    from ui.views.orders_view import OrdersView

    return OrdersView(ctx)


def _shift(ctx: ClientContext) -> QWidget:
    from ui.views.shift_view import ShiftView

    return ShiftView(ctx)


def _refund(ctx: ClientContext) -> QWidget:
    from ui.views.refund_view import RefundView

    return RefundView(ctx)


def _approvals(ctx: ClientContext) -> QWidget:
    from ui.views.approvals_view import ApprovalsView

    return ApprovalsView(ctx)


def _anomalies(ctx: ClientContext) -> QWidget:
    from ui.views.anomalies_view import AnomaliesView

    return AnomaliesView(ctx)


def _settings(ctx: ClientContext) -> QWidget:
    from ui.views.settings_view import SettingsView

    return SettingsView(ctx)


def _admin(ctx: ClientContext) -> QWidget:
    from ui.views.admin.admin_view import AdminView

    return AdminView(ctx)


def _dashboard(ctx: ClientContext) -> QWidget:
    from ui.views.dashboard.dashboard_view import DashboardView

    return DashboardView(ctx)


def _day_close(ctx: ClientContext) -> QWidget:
    from ui.views.day_close.day_close_view import DayCloseView

    return DayCloseView(ctx)


def _placeholder(key: str) -> Callable[[ClientContext], QWidget]:
    def build(ctx: ClientContext) -> QWidget:
        from ui.views.placeholder_view import PlaceholderView

        return PlaceholderView(screen_title(key), _coming(key))

    return build


SCREENS: dict[str, Screen] = {
    "sell": Screen("sell", _sell),
    "refund": Screen("refund", _refund),
    "orders": Screen("orders", _orders),
    "shift": Screen("shift", _shift),
    "approvals": Screen("approvals", _approvals),
    "anomalies": Screen("anomalies", _anomalies),
    "dashboard": Screen("dashboard", _dashboard),
    "settings": Screen("settings", _settings),
    "admin": Screen("admin", _admin),
    "day_close": Screen("day_close", _day_close),
}

_CLERK = ("sell", "refund", "orders", "shift")
ROLE_SCREENS: dict[str, tuple[str, ...]] = {
    "clerk": _CLERK,
    "supervisor": _CLERK + ("approvals", "anomalies", "dashboard", "admin"),
    "finance": ("day_close", "refund", "orders", "shift", "approvals", "anomalies", "dashboard"),
    "admin": _CLERK + ("approvals", "anomalies", "dashboard", "day_close", "admin", "settings"),
}


# Each role lands on its own work: a clerk sells, a supervisor looks at what went wrong,
# finance at 日结对账, an admin at 管理 (DESIGN.md §11).
LANDING: dict[str, str] = {"clerk": "sell", "supervisor": "anomalies", "finance": "day_close",
                           "admin": "admin"}


def screens_for(role: str) -> tuple[str, ...]:
    return ROLE_SCREENS.get(role, ())


def landing_for(role: str) -> str | None:
    """The screen a role opens on (its first screen when it has no landing of its own)."""
    keys = screens_for(role)
    landing = LANDING.get(role)
    return landing if landing in keys else (keys[0] if keys else None)


def role_title(role: str) -> str:
    return {
        "clerk": translate("Navigation", "Clerk"),
        "supervisor": translate("Navigation", "Supervisor"),
        "finance": translate("Navigation", "Finance"),
        "admin": translate("Navigation", "Administrator"),
    }.get(role, role)
