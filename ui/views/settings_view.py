"""The Settings view (设置): printer, paper, terminal and venue name; test page."""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QKeySequence, QRegularExpressionValidator, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.journal import op_changes
from ui import tasks
from ui.context import ClientContext
from ui.errors import user_message
from ui.views.page import Page

URI_EXAMPLES = ("tcp:192.168.1.50:9100", "usb:04b8:0202", "serial:/dev/ttyUSB0:19200",
                "file:/dev/usb/lp0", "win32:EPSON TM-T88V", "preview:/path/to/folder", "none")
ENCODINGS = ("gbk", "gb18030", "big5")


def save_settings(ctx: ClientContext, settings: Any, now: Any) -> Any:
    from app.services.prints import settings as settings_service

    with ctx.session() as session:
        return settings_service.save(session, settings, now=now)


def print_test_page(uri: str, paper_mm: int) -> int:
    from printing.sample import print_sample

    return print_sample(uri, paper_mm=paper_mm)


def check_uri(text: str) -> str | None:
    """None when `text` is a printer URI (or empty: the preview default), else why not."""
    if not text.strip():
        return None
    from printing.uris import parse_printer_uri

    try:
        parse_printer_uri(text)
    except ValueError as exc:
        return str(exc)
    return None


class SettingsView(Page):
    """A form, not a list: its own narrower column, the message under the Save button."""

    settings_saved = Signal()

    def __init__(self, ctx: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "settingsView", parent)
        self._build()
        self.load(ctx.settings)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def _build(self) -> None:
        self.uri = QLineEdit()
        self.uri.setObjectName("printerUri")
        self.uri.setPlaceholderText(self.tr("empty = preview pictures in {folder}").format(
            folder=self.ctx.home / "preview"))
        self.uri.textChanged.connect(self._check_uri)
        self.uri_error = QLabel()
        self.uri_error.setObjectName("fieldError")
        self.uri_error.setWordWrap(True)
        self.uri_error.hide()
        examples = QLabel(self.tr("Examples: {examples}").format(
            examples="   ".join(URI_EXAMPLES)))
        examples.setObjectName("hint")
        examples.setWordWrap(True)
        examples.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.paper = QComboBox()
        self.paper.setObjectName("paper")
        self.paper.addItem(self.tr("80 mm"), 80)
        self.paper.addItem(self.tr("58 mm"), 58)
        self.qr_native = QCheckBox(self.tr("The printer draws QR codes itself (GS ( k)"))
        self.chinese_as_image = QCheckBox(self.tr("Print Chinese as pictures (printer has no "
                                                  "Chinese font)"))
        self.encoding = QComboBox()
        self.encoding.setObjectName("encoding")
        for name in ENCODINGS:
            self.encoding.addItem(name.upper(), name)
        self.terminal = QLineEdit()
        self.terminal.setObjectName("terminalId")
        self.terminal.setMaxLength(8)
        self.terminal.setValidator(QRegularExpressionValidator(
            QRegularExpression("[A-Za-z0-9]{1,8}"), self))
        self.venue = QLineEdit()
        self.venue.setObjectName("venueName")
        self.venue.setMaxLength(40)

        uri_box = QVBoxLayout()
        uri_box.setSpacing(4)
        for widget in (self.uri, self.uri_error, examples):
            uri_box.addWidget(widget)
        checks = QVBoxLayout()
        checks.addWidget(self.qr_native)
        checks.addWidget(self.chinese_as_image)
        self.test_button = QPushButton(self.tr("Print test page"))
        self.test_button.setObjectName("testPage")
        self.test_button.clicked.connect(self.print_test_page)
        printer = QGroupBox(self.tr("Printer"))
        form = QFormLayout(printer)
        form.setVerticalSpacing(10)
        form.addRow(self.tr("Address"), uri_box)
        form.addRow(self.tr("Paper"), self.paper)
        form.addRow(self.tr("Chinese encoding"), self.encoding)
        form.addRow("", checks)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addStretch(1)
        form.addRow("", test_row)
        window = QGroupBox(self.tr("This window"))
        window_form = QFormLayout(window)
        window_form.setVerticalSpacing(10)
        window_form.addRow(self.tr("Terminal id"), self.terminal)
        window_form.addRow(self.tr("Scenic area name"), self.venue)
        for narrow in (self.paper, self.encoding, self.terminal):
            narrow.setFixedWidth(180)
        for form_layout in (form, window_form):
            form_layout.setLabelAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
        self.overrides = QLabel()
        self.overrides.setObjectName("hint")
        self.overrides.setWordWrap(True)

        self.save_button = QPushButton(self.tr("Save (Ctrl+S)"))
        self.save_button.setObjectName("primary")
        self.save_button.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)

        title = QLabel(self.tr("Settings"))
        title.setObjectName("pageTitle")
        column = QWidget()
        column.setMaximumWidth(820)
        inner = QVBoxLayout(column)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(14)
        inner.addWidget(title)
        inner.addWidget(printer)
        inner.addWidget(window)
        inner.addWidget(self.overrides)
        inner.addLayout(buttons)
        inner.addWidget(self.message)
        inner.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.addWidget(column)
        self.setFocusProxy(self.uri)

    def _has(self, name: str) -> bool:
        settings = self.ctx.settings
        return settings is not None and name in {f.name for f in dataclasses.fields(settings)}

    def load(self, settings: Any) -> None:
        if settings is None:
            return
        self.uri.setText(settings.printer_uri)
        self.paper.setCurrentIndex(max(0, self.paper.findData(settings.paper_mm)))
        self.qr_native.setChecked(bool(settings.qr_native))
        self.encoding.setCurrentIndex(max(0, self.encoding.findData(settings.printer_encoding)))
        self.chinese_as_image.setVisible(self._has("chinese_as_image"))
        self.chinese_as_image.setChecked(bool(getattr(settings, "chinese_as_image", False)))
        self.terminal.setText(settings.terminal_id)
        self.venue.setText(settings.venue_name)
        notes = []
        if self.ctx.printer_override:
            notes.append(self.tr("This session prints to {uri} (--printer on the command line)."
                                 ).format(uri=self.ctx.printer_override))
        if self.ctx.terminal_override:
            notes.append(self.tr("This session is window {terminal} (--terminal on the command "
                                 "line).").format(terminal=self.ctx.terminal_override))
        self.overrides.setText("\n".join(notes))
        self.overrides.setVisible(bool(notes))

    def _check_uri(self) -> str | None:
        error = check_uri(self.uri.text())
        self.uri_error.setText(error or "")
        self.uri_error.setVisible(bool(error))
        return error

    def edited(self) -> Any:
        values = {
            "printer_uri": self.uri.text().strip(),
            "paper_mm": int(self.paper.currentData()),
            "qr_native": self.qr_native.isChecked(),
            "printer_encoding": str(self.encoding.currentData()),
            "terminal_id": self.terminal.text().strip().upper(),
            "venue_name": self.venue.text().strip(),
        }
        if self._has("chinese_as_image"):
            values["chinese_as_image"] = self.chinese_as_image.isChecked()
        return dataclasses.replace(self.ctx.settings, **values)

    def save(self) -> None:
        error = self._check_uri()
        if error:
            self._show(error, "error")
            self.uri.setFocus()
            return
        if not self.terminal.hasAcceptableInput():
            self._show(self.tr("The terminal id is 1 to 8 letters or digits, e.g. 01."), "error")
            self.terminal.setFocus()
            return
        if not self.venue.text().strip():
            self._show(self.tr("Please enter the scenic area's name."), "error")
            self.venue.setFocus()
            return
        self.save_button.setEnabled(False)
        (tasks.write(save_settings, self.ctx, self.edited(), self.ctx.now(), owner=self,
                     changes=op_changes.SETTINGS_SAVED)
            .on_success(self._saved)
            .on_failure(lambda exc: self._show(user_message(exc), "error"))
            .on_done(lambda: self.save_button.setEnabled(True)))

    def _saved(self, settings: Any) -> None:
        self.ctx.settings = settings  # the print worker reads the printer from here
        self.load(settings)
        self._show(self.tr("Settings saved."), "success")
        self.settings_saved.emit()

    def print_test_page(self) -> None:
        error = self._check_uri()
        if error:
            self._show(error, "error")
            return
        uri = self.uri.text().strip() or self.ctx.default_printer_uri
        self.test_button.setEnabled(False)
        self._show(self.tr("Printing a test page on {uri}…").format(uri=uri), "none")
        (tasks.run(print_test_page, uri, int(self.paper.currentData()), owner=self)
            .on_success(lambda code: self._tested(uri, code))
            .on_failure(lambda exc: self._show(self.tr("The test page did not print: {why}")
                                               .format(why=user_message(exc)), "error"))
            .on_done(lambda: self.test_button.setEnabled(True)))

    def _tested(self, uri: str, code: int) -> None:
        if code == 0:
            self._show(self.tr("Test page printed on {uri}.").format(uri=uri), "success")
        else:
            self._show(self.tr("The test page did not print on {uri}. Check that the printer "
                               "is on, has paper and is connected.").format(uri=uri), "error")
