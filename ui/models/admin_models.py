"""The lists of the 管理 screen, one row per record the store answered (short lists: loaded
whole): users, devices, ticket types, force-majeure days and the admin log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtGui import QColor

from app.domain.money import format_fen
from ui import admin_labels as labels
from ui.models.table_model import RIGHT, Column, TableModel

GREY = QColor("#8a94a6")


def _grey_when_off(row: dict[str, Any]) -> QColor | None:
    return GREY if row.get("active") is False else None


class UsersModel(TableModel):
    USERNAME, DISPLAY, ROLE, ACTIVE = range(4)

    def columns(self) -> dict[int, Column]:
        return {
            self.USERNAME: Column(self.tr("User name"), lambda r: r["username"],
                                  foreground=_grey_when_off),
            self.DISPLAY: Column(self.tr("Display name"), lambda r: r.get("display_name"),
                                 foreground=_grey_when_off),
            self.ROLE: Column(self.tr("Role"), lambda r: labels.role_label(r["role"]),
                              foreground=_grey_when_off),
            self.ACTIVE: Column(self.tr("State"), lambda r: labels.active_label(r["active"]),
                                foreground=_grey_when_off),
        }

    def row_of(self, username: str) -> int:
        return self.find(lambda r: r["username"] == username)


class DevicesModel(TableModel):
    DEVICE, KIND, TERMINAL, LOCATION, STATUS, ACTIVE = range(6)

    def columns(self) -> dict[int, Column]:
        return {
            self.DEVICE: Column(self.tr("Device"), lambda r: r["device_id"],
                                foreground=_grey_when_off),
            self.KIND: Column(self.tr("Kind"), lambda r: labels.device_kind_label(r["kind"]),
                              foreground=_grey_when_off),
            self.TERMINAL: Column(self.tr("Window no."), lambda r: r.get("terminal") or "",
                                  foreground=_grey_when_off),
            self.LOCATION: Column(self.tr("Location"), lambda r: r.get("location") or "",
                                  foreground=_grey_when_off),
            self.STATUS: Column(self.tr("Status"),
                                lambda r: labels.device_status_label(r.get("status", "")),
                                tooltip=lambda r: self.tr("Last user: {user}").format(
                                    user=r.get("last_user") or "—"),
                                foreground=_grey_when_off),
            self.ACTIVE: Column(self.tr("In service"),
                                lambda r: labels.active_label(r.get("active", True)),
                                foreground=_grey_when_off),
        }

    def row_of(self, device_id: str) -> int:
        return self.find(lambda r: r["device_id"] == device_id)


class TicketTypesModel(TableModel):
    CODE, NAME, KIND, PRICE, DETAIL, ACTIVE = range(6)

    def columns(self) -> dict[int, Column]:
        return {
            self.CODE: Column(self.tr("Code"), lambda r: r["code"], foreground=_grey_when_off),
            self.NAME: Column(self.tr("Name"), lambda r: r["name"], foreground=_grey_when_off),
            self.KIND: Column(self.tr("Kind"),
                              lambda r: labels.ticket_kind_label(labels.kind_of(r)),
                              foreground=_grey_when_off),
            self.PRICE: Column(self.tr("Price"), lambda r: format_fen(r["price_fen"]),
                               align=RIGHT, foreground=_grey_when_off),
            self.DETAIL: Column(self.tr("Details"), self.detail_text,
                                foreground=_grey_when_off),
            self.ACTIVE: Column(self.tr("State"),
                                lambda r: labels.active_label(r.get("active", True)),
                                foreground=_grey_when_off),
        }

    def detail_text(self, r: dict[str, Any]) -> str:
        kind = labels.kind_of(r)
        if kind == "package":
            return self.tr("Set of {parts}").format(parts=" + ".join(r["components"]))
        if kind == "pass":
            return self.tr("{n} uses").format(n=r.get("uses_total", 1))
        if kind == "group":
            return self.tr("At least {n} people").format(n=r.get("min_group_size", 1))
        return ""

    def row_of(self, code: str) -> int:
        return self.find(lambda r: r["code"] == code)


class ForceMajeureModel(TableModel):
    DATE, FEE, LABEL, SET_BY, STATUS = range(5)

    def columns(self) -> dict[int, Column]:
        return {
            self.DATE: Column(self.tr("Visit date"), lambda r: r["visit_date"]),
            self.FEE: Column(self.tr("Fee"), lambda r: labels.percent(r["fee_bp"]), align=RIGHT),
            self.LABEL: Column(self.tr("Reason"), lambda r: r.get("label", ""),
                               tooltip=lambda r: r.get("label", "")),
            self.SET_BY: Column(self.tr("Proposed by"), lambda r: r.get("set_by") or ""),
            self.STATUS: Column(self.tr("Status"), self.status_text),
        }

    def status_text(self, r: dict[str, Any]) -> str:
        if r.get("status") == "active":
            return self.tr("In force (confirmed by {who})").format(
                who=r.get("confirmed_by") or "—")
        return self.tr("Waiting for a second person")


class AdminChangesModel(TableModel):
    AT, ACTOR, WHAT, ACTION, CHANGE = range(5)

    def __init__(self, local: Callable[[datetime], datetime], parent: Any = None) -> None:
        self._local = local
        super().__init__(parent)

    def columns(self) -> dict[int, Column]:
        return {
            self.AT: Column(self.tr("Time"), lambda r: labels.local_time(r["at"], self._local)),
            self.ACTOR: Column(self.tr("By"), lambda r: labels.actor_label(r["actor"])),
            self.WHAT: Column(self.tr("Record"), lambda r: f"{labels.entity_label(r['entity'])} "
                                                           f"{r['key']}"),
            self.ACTION: Column(self.tr("Action"), lambda r: labels.action_label(r["action"])),
            self.CHANGE: Column(self.tr("Before → after"), self.change_text,
                                tooltip=self.change_text),
        }

    @staticmethod
    def change_text(r: dict[str, Any]) -> str:
        return labels.change_text(r.get("before"), r.get("after"))


class HolidaysModel(TableModel):
    """The holidays of the refund policy being edited: `{start, end, same_day_fee_bp}`."""

    START, END, RATE = range(3)

    def columns(self) -> dict[int, Column]:
        return {
            self.START: Column(self.tr("From"), lambda r: r["start"]),
            self.END: Column(self.tr("To"), lambda r: r["end"]),
            self.RATE: Column(self.tr("Same-day refund fee"),
                              lambda r: labels.percent(r["same_day_fee_bp"]), align=RIGHT),
        }
