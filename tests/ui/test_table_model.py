"""The base of the table models: columns declared once give every role; rows are replaced,
appended (no reset) and removed; a paged model keeps only the newest answer."""

import threading

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView

from ui import tasks
from ui.models.table_model import (
    RIGHT,
    ROW_ROLE,
    AsyncTableModel,
    Column,
    RowsModel,
    TableModel,
)
from ui.views.page import make_table

Role = Qt.ItemDataRole


class Fruit(TableModel):
    NAME, PRICE = range(2)

    def columns(self):
        return {self.PRICE: Column("Price", lambda r: f"{r['fen'] / 100:.2f}", RIGHT,
                                   align_header=True, edit=lambda r: r["fen"],
                                   foreground=lambda r: QColor("red") if r["fen"] > 500 else None),
                self.NAME: Column("Name", lambda r: r["name"], tooltip=lambda r: r.get("note"))}

    def row_data(self, row, column, role):
        return "row-wide" if role == Role.ToolTipRole else None


def fruit(*rows):
    model = Fruit()
    model.set_rows(rows)
    return model


def test_columns_declared_once_give_headers_cells_and_roles(qapp):
    m = fruit({"name": "pear", "fen": 300, "note": "ripe"}, {"name": "fig", "fen": 900})
    assert (m.rowCount(), m.columnCount()) == (2, 2)
    assert [m.headerData(c, Qt.Orientation.Horizontal) for c in range(2)] == ["Name", "Price"]
    assert m.headerData(0, Qt.Orientation.Vertical) is None
    assert m.headerData(1, Qt.Orientation.Horizontal, Role.TextAlignmentRole) == int(RIGHT)
    assert m.headerData(0, Qt.Orientation.Horizontal, Role.TextAlignmentRole) is None
    assert [m.index(r, 0).data() for r in range(2)] == ["pear", "fig"]
    assert m.index(1, m.PRICE).data() == "9.00"
    assert m.index(1, m.PRICE).data(Role.TextAlignmentRole) == int(RIGHT)
    assert m.index(1, m.NAME).data(Role.TextAlignmentRole) is None
    assert m.index(1, m.PRICE).data(Role.EditRole) == 900
    assert m.index(1, m.PRICE).data(Role.ForegroundRole) == QColor("red")
    assert m.index(0, m.PRICE).data(Role.ForegroundRole) is None
    assert m.index(1, m.NAME).data(ROW_ROLE) == {"name": "fig", "fen": 900}
    # a column's own role first, the row's when the column has none
    assert m.index(0, m.NAME).data(Role.ToolTipRole) == "ripe"
    assert m.index(1, m.NAME).data(Role.ToolTipRole) == "row-wide"
    assert m.index(0, m.PRICE).data(Role.ToolTipRole) == "row-wide"
    assert m.data(QModelIndex()) is None and m.rowCount(m.index(0, 0)) == 0
    assert m.flags(m.index(0, m.PRICE)) & Qt.ItemFlag.ItemIsEditable
    assert not m.flags(m.index(0, m.NAME)) & Qt.ItemFlag.ItemIsEditable


def test_named_columns_must_be_numbered_without_gaps(qapp):
    class Gap(TableModel):
        def columns(self):
            return {0: Column("A", str), 2: Column("C", str)}

    with pytest.raises(ValueError, match="numbered"):
        Gap()


def test_rows_are_read_found_appended_without_a_reset_and_removed(qapp):
    m = fruit({"name": "pear", "fen": 300})
    table = make_table("fruit", m, selection=QAbstractItemView.SelectionMode.SingleSelection)
    table.selectRow(0)
    resets, inserted, changed = [], [], []
    m.modelReset.connect(lambda: resets.append(1))
    m.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    m.dataChanged.connect(lambda a, b: changed.append((a.row(), b.row(), b.column())))
    assert m.append_rows([{"name": "fig", "fen": 900}, {"name": "kiwi", "fen": 100}]) == 1
    assert m.append_rows([]) == 3
    assert (resets, inserted) == ([], [(1, 2)])
    assert [r.row() for r in table.selectionModel().selectedRows()] == [0]  # kept
    assert m.row(2)["name"] == "kiwi" and m.row(3) is None and m.row(-1) is None
    assert m.find(lambda r: r["name"] == "fig") == 1 and m.find(lambda r: False) == -1
    m.rows_changed(1)
    assert changed == [(1, 2, 1)]
    m.remove_row(0)
    m.remove_row(7)
    assert [r["name"] for r in m.rows()] == ["fig", "kiwi"]
    m.set_rows([])
    assert resets == [1] and m.rowCount() == 0


def test_rows_of_text_show_their_cells(qapp):
    m = RowsModel(("Code", "State"), [("A1", "valid")])
    assert m.index(0, 1).data() == "valid" and m.headerData(0, Qt.Orientation.Horizontal) == "Code"
    m.set_rows([("B2", "void"), ("C3", "valid")])
    assert [[m.index(r, c).data() for c in range(2)] for r in range(2)] == [
        ["B2", "void"], ["C3", "valid"]]


class Pages(AsyncTableModel):
    def columns(self):
        return [Column("Name", lambda r: r)]


@pytest.fixture
def threaded():
    tasks.set_inline(False)
    yield
    tasks.wait_for_all()


def test_an_older_answer_is_dropped_and_loading_follows_the_newest(threaded, qtbot):
    m = Pages()
    release = threading.Event()
    loading = []
    m.loading_changed.connect(loading.append)

    def slow():
        release.wait(5)
        return ["old"]

    m.request(slow, done=m.set_rows)
    m.request(lambda: ["new"], done=m.set_rows)
    qtbot.waitUntil(lambda: m.rowCount() == 1)
    release.set()
    tasks.wait_for_all()
    qtbot.wait(50)
    assert m.rows() == ["new"] and not m.loading and loading == [True, False]


def test_a_failed_load_is_emitted_and_ends_the_loading(threaded, qtbot):
    m = Pages()
    failures = []
    m.failed.connect(failures.append)

    def broken():
        raise OSError("disk gone")

    m.request(broken, done=m.set_rows)
    qtbot.waitUntil(lambda: bool(failures))
    assert isinstance(failures[0], OSError) and not m.loading and m.rowCount() == 0
