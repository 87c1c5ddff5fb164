"""The words of the 日结对账 screen: every discrepancy kind the store's day close returns
(`app.services.reports.day_close_checks`, and `late_entry` of `day_close`) with its name and
the one action that resolves it, the late-entry kinds; payment methods are `ui.admin_labels.method_label`."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

translate = QCoreApplication.translate

# actions (DayCloseView.run_action does them)
OPEN_ORDER = "open_order"
IMPORT_SETTLEMENT = "import_settlement"
GO_TO_ANOMALY = "go_to_anomaly"
GO_TO_SHIFT = "go_to_shift"


@dataclass(frozen=True)
class Kind:
    label: str
    action: str
    action_label: str


def kind(key: str) -> Kind:
    """The name and action of a discrepancy kind (an unknown kind opens its order)."""
    order = translate("DayCloseKinds", "Open the order")
    file = translate("DayCloseKinds", "Import the settlement file")
    table = {
        "unsettled": (translate("DayCloseKinds", "Paid, not settled"), IMPORT_SETTLEMENT,
                      file),
        "ota_unsettled": (translate("DayCloseKinds", "OTA order not settled"),
                          IMPORT_SETTLEMENT, file),
        "settlement_unknown_order": (
            translate("DayCloseKinds", "Settlement line without order"), IMPORT_SETTLEMENT,
            translate("DayCloseKinds", "Check with the provider, import again")),
        "settlement_amount_differs": (translate("DayCloseKinds", "Settled amount differs"),
                                      OPEN_ORDER, order),
        "refund_processing": (translate("DayCloseKinds", "Refund still processing"),
                              OPEN_ORDER, order),
        "cash_refund_other_drawer": (
            translate("DayCloseKinds", "Cash refund from another drawer"), OPEN_ORDER, order),
        "cash_outside_shift": (translate("DayCloseKinds", "Cash outside any shift"),
                               OPEN_ORDER, order),
        "shift_open": (translate("DayCloseKinds", "Shift not closed"), GO_TO_SHIFT,
                       translate("DayCloseKinds", "Close or take over the shift")),
        "sync_behind": (translate("DayCloseKinds", "Window not synced"), GO_TO_SHIFT,
                        translate("DayCloseKinds", "Have the window sync")),
        "settlement_duplicate": (
            translate("DayCloseKinds", "Settled twice"), IMPORT_SETTLEMENT,
            translate("DayCloseKinds", "Check with the provider, import again")),
        "shift_report_differs": (
            translate("DayCloseKinds", "Z report differs from the store"), GO_TO_SHIFT,
            translate("DayCloseKinds", "Check the window's unsent or refused ops")),
        "payment_ticket_mismatch": (
            translate("DayCloseKinds", "Payments and tickets disagree"), GO_TO_ANOMALY,
            translate("DayCloseKinds", "Go to its anomaly")),
        "late_entry": (translate("DayCloseKinds", "Recorded after the close"), OPEN_ORDER,
                       order),
    }
    return Kind(*table.get(key, (key, OPEN_ORDER, order)))


def late_kind(key: str) -> str:
    return {"payment": translate("DayCloseKinds", "Payment"),
            "refund": translate("DayCloseKinds", "Refund"),
            "shift": translate("DayCloseKinds", "Shift closed")}.get(key, key)


# settlement files: which source a discrepancy's file comes from (the import dialog's choice)
SOURCES = ("wechat", "alipay", "ota_ctrip", "ota_meituan")


def source_label(key: str) -> str:
    return {"wechat": translate("DayCloseKinds", "WeChat Pay"),
            "alipay": translate("DayCloseKinds", "Alipay"),
            "ota_ctrip": translate("DayCloseKinds", "Ctrip"),
            "ota_meituan": translate("DayCloseKinds", "Meituan")}.get(key, key)
