"""Saved filters of the Orders screen (筛选方案): a name and the state of the filter widgets,
kept per user in an ini file in the window's data folder (QSettings), so 今日+美团+异常 is one
pick away. A saved preset stays relative (今日 is today's date when it is loaded)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QPushButton, QWidget

FILE_NAME = "orders-filters.ini"
MAX_NAME = 32


class SavedFilters:
    """name → filter state of one user (plain values; never the search text)."""

    def __init__(self, folder: Path, username: str) -> None:
        self._settings = QSettings(str(folder / FILE_NAME), QSettings.Format.IniFormat)
        self._key = f"users/{username or '-'}/saved"

    def all(self) -> dict[str, dict[str, Any]]:
        raw = self._settings.value(self._key, "{}")
        try:
            saved = json.loads(str(raw))
        except ValueError:
            return {}
        return saved if isinstance(saved, dict) else {}

    def names(self) -> list[str]:
        return sorted(self.all())

    def load(self, name: str) -> dict[str, Any] | None:
        return self.all().get(name)

    def save(self, name: str, state: dict[str, Any]) -> None:
        self._write(self.all() | {name: state})

    def delete(self, name: str) -> None:
        saved = self.all()
        saved.pop(name, None)
        self._write(saved)

    def _write(self, saved: dict[str, Any]) -> None:
        self._settings.setValue(self._key, json.dumps(saved, ensure_ascii=False))
        self._settings.sync()


class SavedFiltersBox(QWidget):
    """An editable list of names: pick one to load it, type a name and 保存 (or Enter) to keep
    the current filters under it, 删除 to forget the one shown."""

    picked = Signal(dict)  # the state to apply

    def __init__(self, store: SavedFilters, current: Callable[[], dict[str, Any]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store, self._current = store, current
        self.names = QComboBox()
        self.names.setObjectName("savedFilters")
        self.names.setEditable(True)
        self.names.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.names.lineEdit().setMaxLength(MAX_NAME)
        self.names.lineEdit().setPlaceholderText(self.tr("Saved filters"))
        self.names.setMinimumContentsLength(10)
        self.names.activated.connect(self._activated)
        self.names.lineEdit().returnPressed.connect(self.save_current)
        self.save_button = QPushButton(self.tr("Save filter"))
        self.save_button.setObjectName("saveFilter")
        self.save_button.clicked.connect(self.save_current)
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.setObjectName("deleteFilter")
        self.delete_button.clicked.connect(self.delete_current)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        for widget in (self.names, self.save_button, self.delete_button):
            lay.addWidget(widget)
        self._fill("")

    def save_current(self) -> None:
        name = self.names.currentText().strip()
        if name:
            self._store.save(name, self._current())
            self._fill(name)

    def delete_current(self) -> None:
        name = self.names.currentText().strip()
        if name in self._store.names():
            self._store.delete(name)
            self._fill("")

    def load(self, name: str) -> None:
        state = self._store.load(name)
        if state is not None:
            self._fill(name)
            self.picked.emit(state)

    def _activated(self, index: int) -> None:
        self.load(self.names.itemText(index))

    def _fill(self, shown: str) -> None:
        self.names.blockSignals(True)
        self.names.clear()
        self.names.addItems(self._store.names())
        self.names.setCurrentIndex(self.names.findText(shown) if shown else -1)
        self.names.setEditText(shown)
        self.names.blockSignals(False)
        self.delete_button.setEnabled(bool(self._store.names()))
