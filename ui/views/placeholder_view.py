"""A screen that is planned but not built yet: says so plainly, offers nothing fake."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class PlaceholderView(QWidget):
    def __init__(self, title: str, purpose: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("placeholderView")
        heading = QLabel(title)
        heading.setObjectName("pageTitle")
        note = QLabel(self.tr("Coming in a later release."))
        note.setObjectName("comingSoon")
        what = QLabel(purpose)
        what.setObjectName("hint")
        what.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.addWidget(heading)
        layout.addSpacing(12)
        layout.addWidget(note)
        layout.addWidget(what)
        layout.addStretch(1)
        for label in (heading, note, what):
            label.setAlignment(Qt.AlignmentFlag.AlignLeft)
