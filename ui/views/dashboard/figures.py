"""A big number with its caption (`QFrame#dashFigure`); `alert=True` turns it red (something
needs someone: anomalies open, approvals waiting, devices offline)."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget


class Figure(QFrame):
    def __init__(self, name: str, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashFigure")
        self.caption = QLabel(caption)
        self.caption.setObjectName("dashCaption")
        self.value = QLabel("—")
        self.value.setObjectName(name)
        self.value.setProperty("role", "dashValue")
        self.detail = QLabel("")
        self.detail.setObjectName("dashDetail")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(2)
        for label in (self.caption, self.value, self.detail):
            layout.addWidget(label)

    def set(self, value: str, detail: str = "", alert: bool | None = None) -> None:
        self.value.setText(value)
        self.detail.setText(detail)
        if alert is not None and bool(self.property("alert")) != alert:
            self.setProperty("alert", alert)
            self.value.setProperty("alert", alert)
            for w in (self, self.value):
                w.style().unpolish(w)
                w.style().polish(w)

    def text(self) -> str:
        return self.value.text()

    @property
    def alert(self) -> bool:
        return bool(self.property("alert"))
