"""The base of the client's table models: a model declares its columns once — header, how to
read the cell from a row, alignment, colour, tooltip — the way Electrum's `MyTreeView.Columns`
does, and gets rowCount, columnCount, data and headerData from here.

    class CashMovementsModel(TableModel):
        def columns(self):
            return (Column(self.tr("Time"), lambda r: r["time"]),
                    Column(self.tr("Amount"), amount_text, align=RIGHT), ...)

`columns()` is called once, when the model is built (headers are translated then, so the
`self.tr` calls stay in the model's own class, the context lupdate gives them). A model with
named columns (`TIME, KIND = range(2)`) returns a mapping from those numbers, so a name can
never point at another column. Row-wide roles (a tooltip on every cell, a red row) come from
`row_data`. The rows are a plain list: `set_rows` replaces them (a reset), `append_rows` adds a
page below without a reset (what `fetchMore` needs), `remove_row` and `rows_changed` do the rest.
`AsyncTableModel` adds the loading of pages on the thread pool (ui.tasks) that the Orders and
Anomalies lists share: a newer request drops the answer of an older one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from ui import tasks

Index = QModelIndex | QPersistentModelIndex
Reader = Callable[[Any], Any]

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
ROW_ROLE = Qt.ItemDataRole.UserRole  # the row itself (a dict, a job…), for the views
_Role = Qt.ItemDataRole


@dataclass(frozen=True)
class Column:
    """One column: `text(row)` is what it shows; the other readers give a role or None."""

    header: str
    text: Reader
    align: Qt.AlignmentFlag | None = None  # None: Qt's default (left)
    align_header: bool = False  # the header aligned as the cells
    tooltip: Reader | None = None
    foreground: Reader | None = None
    font: Reader | None = None
    edit: Reader | None = None  # EditRole; set it and the cells are editable

    def value(self, row: Any, role: int) -> Any:
        if role == _Role.DisplayRole:
            return self.text(row)
        if role == _Role.TextAlignmentRole:
            return None if self.align is None else int(self.align)
        reader = {_Role.ToolTipRole: self.tooltip, _Role.ForegroundRole: self.foreground,
                  _Role.FontRole: self.font, _Role.EditRole: self.edit}.get(role)
        return reader(row) if reader is not None else None


def text_columns(headers: Sequence[str]) -> list[Column]:
    """Columns of rows that are already sequences of texts (the i-th column shows `row[i]`)."""
    return [Column(header, lambda row, i=i: row[i]) for i, header in enumerate(headers)]


class TableModel(QAbstractTableModel):
    """A flat, read-mostly table of `rows` under the columns `columns()` declares."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []
        self._columns = _ordered(self.columns())

    def columns(self) -> Sequence[Column] | Mapping[int, Column]:
        raise NotImplementedError

    def row_data(self, row: Any, column: int, role: int) -> Any:
        """Roles of the whole row, asked when the column has none (override)."""
        return None

    # -- Qt model -------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        if role == _Role.DisplayRole:
            return column.header
        if role == _Role.TextAlignmentRole and column.align_header:
            return column.value(None, role)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == ROW_ROLE:
            return row
        value = self._columns[index.column()].value(row, role)
        return value if value is not None else self.row_data(row, index.column(), role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and self._columns[index.column()].edit is not None:
            return flags | Qt.ItemFlag.ItemIsEditable
        return flags

    # -- the rows -------------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def append_rows(self, rows: Sequence[Any]) -> int:
        """Add `rows` below the others (no reset: selection and scroll stay); returns the row
        of the first one."""
        first = len(self._rows)
        if rows:
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        return first

    def remove_row(self, row: int) -> None:
        if 0 <= row < len(self._rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()

    def rows_changed(self, first: int = 0, last: int | None = None) -> None:
        """Rows `first`…`last` (default: to the end) were changed in place: repaint them."""
        last = len(self._rows) - 1 if last is None else last
        if 0 <= first <= last:
            self.dataChanged.emit(self.index(first, 0),
                                  self.index(last, len(self._columns) - 1))

    def row(self, row: int) -> Any:
        """The row at `row`, None outside the table."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rows(self) -> list[Any]:
        return list(self._rows)

    def find(self, matches: Callable[[Any], bool]) -> int:
        """The first row that `matches`, -1 when none does."""
        return next((i for i, r in enumerate(self._rows) if matches(r)), -1)


class RowsModel(TableModel):
    """A few read-only rows of text (an order's tickets, its payments, the stock involved)."""

    def __init__(self, headers: Sequence[str], rows: Sequence[Sequence[str]],
                 parent: Any = None) -> None:
        self._headers = list(headers)
        super().__init__(parent)
        self._rows = [list(r) for r in rows]

    def columns(self) -> list[Column]:
        return text_columns(self._headers)

    def set_rows(self, rows: Sequence[Sequence[str]]) -> None:
        super().set_rows([list(r) for r in rows])


class AsyncTableModel(TableModel):
    """A table loaded page by page on the thread pool: `request(fn, *args, done=…)` runs
    `fn(*args)` off the GUI thread and hands its answer to `done` unless a newer request was
    made meanwhile; a failure is emitted as `failed`. `loading` is true while one runs."""

    loading_changed = Signal(bool)
    failed = Signal(object)  # the exception of a load

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._loading = False
        self._generation = 0  # answers of an older request are dropped

    @property
    def loading(self) -> bool:
        return self._loading

    def request(self, fn: Callable[..., Any], *args: Any, done: Callable[[Any], None]) -> None:
        self._generation += 1
        gen = self._generation
        self._set_loading(True)
        (tasks.run(fn, *args, owner=self)
            .on_success(lambda answer: self._answered(gen, answer, done))
            .on_failure(lambda exc: self._request_failed(gen, exc)))

    def _answered(self, gen: int, answer: Any, done: Callable[[Any], None]) -> None:
        if gen == self._generation:
            try:
                done(answer)  # the rows (and a cursor) first: `loading_changed` sees them
            finally:
                self._set_loading(False)

    def _request_failed(self, gen: int, exc: BaseException) -> None:
        if gen == self._generation:
            self._set_loading(False)
            self.failed.emit(exc)

    def _set_loading(self, loading: bool) -> None:
        if loading != self._loading:
            self._loading = loading
            self.loading_changed.emit(loading)


def _ordered(columns: Sequence[Column] | Mapping[int, Column]) -> tuple[Column, ...]:
    if isinstance(columns, Mapping):
        if sorted(columns) != list(range(len(columns))):
            raise ValueError(f"columns must be numbered 0…{len(columns) - 1}: {sorted(columns)}")
        return tuple(columns[i] for i in range(len(columns)))
    return tuple(columns)
