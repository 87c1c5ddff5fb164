"""Writing an `.xlsx` export (DESIGN.md §15) without holding it in memory: an openpyxl
write-only workbook (rows go to a temporary XML part as they are appended) saved to a
temporary file, which the store then streams and removes.

Cells: money is a number in yuan with two decimals (`money`, from integer fen, exact),
instants are venue-local date-times without a zone (Excel has none), dates are dates."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from app.domain.venue import Venue

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "#,##0.00"
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
DATE_FORMAT = "yyyy-mm-dd"
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")


@dataclass(frozen=True)
class Export:
    """A finished export: the temporary file (the caller streams and removes it), how many
    data rows it holds and the name to offer the user."""

    path: Path
    rows: int
    filename: str

    @property
    def size(self) -> int:
        return self.path.stat().st_size


class Book:
    """A write-only workbook: `sheet(title, headers, widths)`, then `append` rows of plain
    values or cells made by `cell`/`money`/`local_time`, then `save()`."""

    def __init__(self, venue: Venue) -> None:
        self.venue = venue
        self._wb = Workbook(write_only=True)

    def sheet(self, title: str, headers: Iterable[str],
              widths: Iterable[int] = ()) -> WriteOnlyWorksheet:
        ws = self._wb.create_sheet(title)
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"
        ws.append([self.header(ws, h) for h in headers])
        return ws

    @staticmethod
    def header(ws: WriteOnlyWorksheet, text: str) -> WriteOnlyCell:
        c = WriteOnlyCell(ws, value=text)
        c.font, c.fill = _HEADER_FONT, _HEADER_FILL
        c.alignment = Alignment(horizontal="center")
        return c

    @staticmethod
    def money(ws: WriteOnlyWorksheet, fen: int | None) -> WriteOnlyCell | None:
        """Yuan as an exact decimal number shown with two decimals (None stays empty)."""
        if fen is None:
            return None
        c = WriteOnlyCell(ws, value=Decimal(int(fen)) / 100)
        c.number_format = MONEY_FORMAT
        return c

    def local_time(self, ws: WriteOnlyWorksheet, at: datetime | str | None) -> Any:
        """An instant (aware, or ISO-8601 text) as venue-local time."""
        if at is None:
            return None
        if isinstance(at, str):
            at = datetime.fromisoformat(at.replace("Z", "+00:00"))
        c = WriteOnlyCell(ws, value=self.venue.local(at).replace(tzinfo=None))
        c.number_format = TIME_FORMAT
        return c

    @staticmethod
    def day(ws: WriteOnlyWorksheet, value: date | str | None) -> Any:
        if value is None:
            return None
        c = WriteOnlyCell(ws, value=date.fromisoformat(value) if isinstance(value, str)
                          else value)
        c.number_format = DATE_FORMAT
        return c

    def save(self) -> Path:
        """The workbook in a new temporary file (the caller removes it)."""
        fd, name = tempfile.mkstemp(prefix="menpiao-export-", suffix=".xlsx")
        os.close(fd)
        try:
            self._wb.save(name)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise
        return Path(name)
