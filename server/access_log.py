"""The access log keeps no personal data (DESIGN.md §14): uvicorn logs every request line,
query string included (`GET /orders?q=13812345678`). A filter on the `uvicorn.access` logger
masks what could be a phone or an ID number before the line is written: in the query string
every run of 7 or more digits, in the path runs of 11 or more (order numbers and dates stay
readable) — the first 3 and last 4 characters stay, as on screen."""

import logging
import re
from typing import Any

ACCESS_LOGGER = "uvicorn.access"
_IN_QUERY = re.compile(r"\d{17}[\dXx]|\d{7,}")
_IN_PATH = re.compile(r"\d{17}[\dXx]|\d{11,}")


def _mask(match: re.Match[str]) -> str:
    digits = match.group(0)
    keep = 4 if len(digits) == 18 else 3  # an ID number as 1101**********1234, a phone 138****5678
    return digits[:keep] + "*" * (len(digits) - keep - 4) + digits[-4:]


def mask_request_line(full_path: str) -> str:
    """`full_path` (path and query) with phone- and ID-like digit runs masked."""
    path, sep, query = full_path.partition("?")
    return _IN_PATH.sub(_mask, path) + sep + _IN_QUERY.sub(_mask, query)


class MaskPersonalData(logging.Filter):
    """Masks the request line of uvicorn's access records (args: client, method, full path,
    HTTP version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args: Any = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], mask_request_line(args[2]), *args[3:])
        return True


def install() -> None:
    """Put the filter on the access logger once per process."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, MaskPersonalData) for f in logger.filters):
        logger.addFilter(MaskPersonalData())
