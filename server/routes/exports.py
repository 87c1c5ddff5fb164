"""Excel exports (DESIGN.md §15): `GET /orders/export` (supervisor, finance, admin) and
`GET /reports/day-close/export` (finance, admin). The workbook is written to a temporary file
first, so the answer carries `Content-Length` and `X-Rows` (data rows) before its body, then
streamed in chunks and removed. Registered before the orders router: `/orders/export` is not
an order number."""

import os
from collections.abc import Iterator
from typing import Annotated, Any, BinaryIO
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from app.services.lookup import search
from app.services.reports import day_close_export, order_export
from app.services.reports.xlsx_book import MEDIA_TYPE, Export

from ..deps import SUPERVISORS, AtVenue, Db, Now, require
from ..tokens import Principal
from .orders import Params

router = APIRouter()
Reader = Annotated[Principal, Depends(require(*SUPERVISORS))]
Closer = Annotated[Principal, Depends(require("finance", "admin"))]
Day = Annotated[str | None, Query(alias="date", max_length=32)]
CHUNK = 64 * 1024
XLSX_ANSWER: dict[int | str, dict[str, Any]] = {200: {
    "content": {MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
    "description": "the workbook; `X-Rows`: its data rows"}}


def _chunks(handle: BinaryIO) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def _stream(done: Export) -> StreamingResponse:
    """The file as a streamed answer; it is removed as soon as it is open (POSIX keeps the
    data until the handle closes), or once streamed where an open file cannot be removed."""
    size = done.size
    handle = done.path.open("rb")
    try:
        os.unlink(done.path)
        body = _chunks(handle)
    except OSError:  # Windows: remove after the last chunk
        body = _then_remove(handle, done)
    ascii_name = "menpiao-export.xlsx"
    return StreamingResponse(body, media_type=MEDIA_TYPE, headers={
        "Content-Length": str(size), "X-Rows": str(done.rows),
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; "
                               f"filename*=UTF-8''{quote(done.filename)}"})


def _then_remove(handle: BinaryIO, done: Export) -> Iterator[bytes]:
    try:
        yield from _chunks(handle)
    finally:
        done.path.unlink(missing_ok=True)


@router.get("/orders/export", response_class=StreamingResponse, responses=XLSX_ANSWER)
def export_orders(user: Reader, s: Db, now: Now, venue: AtVenue,
                  params: Params) -> StreamingResponse:
    """Every order matching the `GET /orders` filters (all pages; `channel` and `status` take
    several values, comma-separated) as `.xlsx`, phones and names masked; logged in the admin
    log as entity `export`."""
    filters = search.filters_from_params(params, venue=venue)
    return _stream(order_export.export_orders(s, filters, params=params, actor=user.username,
                                              now=now, venue=venue))


@router.get("/reports/day-close/export", response_class=StreamingResponse,
            responses=XLSX_ANSWER)
def export_day_close(user: Closer, s: Db, now: Now, venue: AtVenue,
                     date: Day = None) -> StreamingResponse:
    """The day close of `date` (the figures of `GET /reports/day-close`) as `.xlsx`: sheets
    窗口班次, 支付方式, 渠道, 合计, 差异 and, once closed, 日结后补录; logged."""
    return _stream(day_close_export.export_day_close(s, date, actor=user.username, now=now,
                                                     venue=venue))
