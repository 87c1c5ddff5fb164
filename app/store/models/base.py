"""Declarative base: one metadata, stable constraint names, aware-UTC datetimes by default."""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, mapped_column

from ..types import JSONType, UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING)
    type_annotation_map = {
        datetime: UTCDateTime(),
        date: sa.Date(),
        dict[str, Any]: JSONType,
        list[Any]: JSONType,
    }


def fen(default: int | None = 0, **kw: Any) -> Any:
    """A money column: BIGINT fen, non-negative by the table's CHECKs."""
    if default is not None:
        kw.setdefault("server_default", sa.text(str(default)))
        kw.setdefault("default", default)
    return mapped_column(sa.BigInteger, **kw)


def counter(default: int = 0, **kw: Any) -> Any:
    """A small integer column with a default known to both Python and the database."""
    return mapped_column(sa.Integer, default=default, server_default=sa.text(str(default)), **kw)


def short(length: int = 32, *args: Any, **kw: Any) -> Any:
    """A short text column (codes, names, states)."""
    return mapped_column(sa.String(length), *args, **kw)


def uuid_pk() -> Any:
    return mapped_column(sa.String(36), primary_key=True)
