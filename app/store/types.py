"""Column types that behave the same on PostgreSQL and SQLite."""

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


class UTCDateTime(sa.types.TypeDecorator):
    """An aware UTC datetime in, an aware UTC datetime out, on every engine.

    PostgreSQL keeps `timestamptz`; SQLite has no zone, so the value is stored as naive UTC and
    given its zone back when read.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime refused (store aware UTC): {value!r}")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# JSONB on PostgreSQL (indexable, compact), JSON text elsewhere.
JSONType: Any = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

# 64-bit keys that still auto-increment on SQLite (only INTEGER PRIMARY KEY does there).
BigIntPK: Any = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
