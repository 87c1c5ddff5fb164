"""Field types of request bodies and paths: strict strings with a length limit and no NUL
character (PostgreSQL text cannot hold one: it would fail deep in the driver, as a 500)."""

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Path
from pydantic import AfterValidator, AwareDatetime, Field

NO_NUL = r"^[^\x00]*$"
PRINTABLE_ASCII = r"^[\x21-\x7e]+$"


def text(max_length: int, *, min_length: int = 0) -> Any:
    """A JSON string of at most `max_length` characters, never containing NUL."""
    return Annotated[str, Field(strict=True, min_length=min_length, max_length=max_length,
                                pattern=NO_NUL)]


def code_path(max_length: int) -> Any:
    """A path segment that is a code or number: printable ASCII, no spaces."""
    return Annotated[str, Path(max_length=max_length, pattern=PRINTABLE_ASCII)]


def _in_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+08:00 has no UTC: it would fail on storing, a 500
        raise ValueError("超出可表示的时间范围") from None


# An ISO-8601 date-time with a zone, as aware UTC.
Instant = Annotated[AwareDatetime, AfterValidator(_in_utc)]
