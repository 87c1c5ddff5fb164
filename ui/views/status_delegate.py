"""Paints the Orders list's status cell in its colour even on the selected row (the selection
colour would hide that the row on top is 异常); a thin frame in the selection colour still marks
the cell as part of the selected row."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem


class StatusDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        background = index.data(Qt.ItemDataRole.BackgroundRole)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if not isinstance(background, QColor) or not selected:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.state &= ~QStyle.StateFlag.State_Selected
        painter.save()
        painter.fillRect(opt.rect, background)
        opt.backgroundBrush = background
        style = opt.widget.style() if opt.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        pen = QPen(option.palette.color(QPalette.ColorRole.Highlight), 2)
        painter.setPen(pen)
        painter.drawRect(opt.rect.adjusted(1, 1, -1, -1))
        painter.restore()
