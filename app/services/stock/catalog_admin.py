"""The admin's ticket types (DESIGN.md §15): create and change regular, special, pass, group
and package types. Nothing is ever deleted: a type is taken off sale with `active: false`
and stays readable for the orders that hold it.

A price is read by each sale when it is made, and every ticket keeps what it was sold at
(`tickets.price_fen`, `list_price_fen`): a price change applies to the sales after it only.
A type with sales keeps its components (a package's reprints count its tickets per set from
them); its name, kind, price, uses and group minimum may change for the sales to come.

Every change writes the admin log (entity `ticket_type`, before → after) and the changes feed
(entity `catalog`), in the change's own transaction: windows pick up new types and prices.
The rules a type must pass are `app.domain.catalog_rules`'.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain import actors, catalog_rules
from app.domain.catalog import TicketKind, TicketType
from app.domain.errors import Conflict, NotFound, ValidationError
from app.services.journal import admin_log, changes
from app.services.stock.catalog import load_catalog
from app.store.db import read_transaction
from app.store.models import Ticket, TicketTypeRow

GROUP_DEFAULT = 10  # DESIGN.md §2: 团队票 from 10 persons unless the admin says otherwise


@dataclass(frozen=True)
class TypeInfo:
    """A ticket type as the admin sees it; `sold`: tickets of it exist."""

    type: TicketType
    sort_order: int
    sold: bool

    def to_dict(self) -> dict[str, Any]:
        t = self.type
        return {"code": t.code, "name": t.name, "kind": str(t.kind), "price_fen": t.price_fen,
                "components": list(t.components), "uses_total": t.uses_total,
                "min_group_size": t.min_group_size, "active": t.active,
                "sort_order": self.sort_order, "sold": self.sold}


@dataclass(frozen=True)
class TypeFields:
    """What to set on a type; None leaves it as it is (on creation: the default, where a
    field has one)."""

    name: str | None = None
    kind: str | None = None
    price_fen: int | None = None
    components: Sequence[str] | None = None
    uses_total: int | None = None
    min_group_size: int | None = None
    active: bool | None = None


def _logged(t: TicketType) -> dict[str, Any]:
    return {"code": t.code, "name": t.name, "kind": str(t.kind), "price_fen": t.price_fen,
            "components": list(t.components), "uses_total": t.uses_total,
            "min_group_size": t.min_group_size, "active": t.active}


def _sold(session: Session, t: TicketType) -> bool:
    """Any ticket sold as this type (a package: as it, counted against its first part)."""
    tickets = Ticket.__table__
    where = (sa.and_(tickets.c.ticket_type == t.components[0], tickets.c.sold_as == t.code)
             if t.is_package else tickets.c.ticket_type == t.code)
    return bool(session.execute(sa.select(sa.exists().where(where))).scalar())


def _sort_orders(session: Session) -> dict[str, int]:
    return dict(session.execute(sa.select(TicketTypeRow.code, TicketTypeRow.sort_order)).all())


def list_types(session: Session) -> list[TypeInfo]:
    """Every type, on sale or not, in catalog order."""
    with read_transaction(session):
        order = _sort_orders(session)
        return [TypeInfo(t, order[t.code], _sold(session, t))
                for t in load_catalog(session).values()]


def _components(value: Sequence[str]) -> tuple[str, ...]:
    if isinstance(value, str) or not all(isinstance(c, str) for c in value):
        raise ValidationError("组成票种必须是票种代码的列表", field="components")
    return tuple(c.strip().upper() for c in value)


def _merged(old: TicketType, f: TypeFields) -> TicketType:
    """`old` with the given fields; a kind change drops the uses or minimum of the old kind
    unless they are given."""
    kind = old.kind if f.kind is None else catalog_rules.parse_kind(f.kind)
    uses = f.uses_total if f.uses_total is not None else (
        old.uses_total if kind is TicketKind.PASS else 1)
    group = f.min_group_size if f.min_group_size is not None else (
        (old.min_group_size if old.kind is TicketKind.GROUP else GROUP_DEFAULT)
        if kind is TicketKind.GROUP else 1)
    name = old.name if f.name is None else f.name.strip() if isinstance(f.name, str) else f.name
    return replace(
        old, name=name, kind=kind, uses_total=uses, min_group_size=group,
        price_fen=old.price_fen if f.price_fen is None else f.price_fen,
        components=old.components if f.components is None else _components(f.components),
        active=old.active if f.active is None else f.active)


def _check_name(t: TicketType, catalog: dict[str, TicketType]) -> None:
    for other in catalog.values():
        if other.code != t.code and other.name == t.name:
            raise Conflict(f"已有名为{t.name}的票种（{other.code}）", field="name")


def _lock_catalog(session: Session) -> dict[str, TicketType]:
    """Every type, the rows locked: admin changes of the catalog go one at a time (a package
    and its parts are checked together); sales read without waiting."""
    session.execute(sa.select(TicketTypeRow.code).with_for_update()).all()
    return load_catalog(session)


def _write(session: Session, row: TicketTypeRow, t: TicketType, now: datetime) -> None:
    row.name, row.kind, row.price_fen = t.name, str(t.kind), t.price_fen
    row.components, row.uses_total = list(t.components), t.uses_total
    row.min_group_size, row.active, row.updated_at = t.min_group_size, t.active, now
    changes.touch(session, "catalog", t.code, now=now)


def create_type(session: Session, code: str, fields: TypeFields, *, now: datetime,
                actor: str = actors.SYSTEM) -> TypeInfo:
    """A new type at the end of the catalog (on sale unless `active` is False). A
    non-package type has no capacity until it is set (`capacity.set_capacity_range`).
    Refused, nothing written: ValidationError (the rules), Conflict (code or name taken)."""
    code = catalog_rules.normalize_code(code)
    for field, label, value in (("name", "名称", fields.name), ("kind", "类型", fields.kind),
                                ("price_fen", "票价", fields.price_fen)):
        if value is None:
            raise ValidationError(f"新票种必须填写{label}（{field}）", field=field)
    if catalog_rules.parse_kind(fields.kind) is TicketKind.PASS and fields.uses_total is None:
        raise ValidationError("年卡/次卡必须填写可用次数 uses_total", field="uses_total")
    blank = TicketType(code, "", TicketKind.REGULAR, 0)
    new = _merged(blank, replace(fields, active=True if fields.active is None
                                 else fields.active))
    with session.begin():
        catalog = _lock_catalog(session)
        if code in catalog:
            raise Conflict(f"票种代码 {code} 已存在（{catalog[code].name}）", field="code")
        catalog_rules.check_type(new, catalog)
        _check_name(new, catalog)
        order = max(_sort_orders(session).values(), default=-1) + 1
        row = TicketTypeRow(code=code, sort_order=order, version=1)
        _write(session, row, new, now)
        session.add(row)
        try:
            session.flush()
        except IntegrityError:  # the same code added by a racing request
            raise Conflict(f"票种代码 {code} 已存在", field="code") from None
        admin_log.record(session, actor=actor, entity="ticket_type", key=code,
                         action="create", before=None, after=_logged(new), at=now)
    return TypeInfo(new, order, False)


def update_type(session: Session, code: str, fields: TypeFields, *, now: datetime,
                actor: str = actors.SYSTEM) -> TypeInfo:
    """Change a type; fields left None stay. A price change applies to later sales only.
    Refused, nothing written: NotFound, ValidationError (the rules), Conflict (a name taken;
    the components of a type with sales; a part of a package on sale taken off sale)."""
    with session.begin():
        catalog = _lock_catalog(session)
        old = catalog.get(code.strip().upper())
        if old is None:
            raise NotFound(f"没有这种票：{code}")
        new = _merged(old, fields)
        catalog_rules.check_type(new, catalog)
        _check_name(new, catalog)
        sold = _sold(session, old)
        if sold and new.components != old.components:
            raise Conflict(f"{old.name}已有售出，不能更改套票组成；请新建一个票种",
                           field="components")
        row = session.get(TicketTypeRow, old.code, populate_existing=True)
        if new != old:
            _write(session, row, new, now)
            row.version += 1
            admin_log.record(session, actor=actor, entity="ticket_type", key=old.code,
                             action="update", before=_logged(old), after=_logged(new), at=now)
        return TypeInfo(new, row.sort_order, sold)
