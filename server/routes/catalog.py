"""What is sold and how much is left: the catalog and stock (any role), the admin's ticket
types and capacity (DESIGN.md §8, §15). Ticket types are never deleted (no DELETE): an admin
takes one off sale with `active: false`."""

from datetime import date as Date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from app.domain import actors
from app.domain.errors import ValidationError
from app.services.stock import capacity, catalog, catalog_admin
from app.services.stock.catalog import StockItem

from ..deps import SUPERVISORS, Admin, AnyRole, AtVenue, Db, Now, require
from ..fields import code_path, text
from ..tokens import Principal

router = APIRouter()
MAX_CAPACITY = capacity.MAX_CAPACITY
Supervisor = Annotated[Principal, Depends(require(*SUPERVISORS))]
Int = Annotated[int, Field(strict=True)]  # ranges are the domain's rules (Chinese messages)
Flag = Annotated[bool, Field(strict=True)]
Codes = Annotated[list[text(32)], Field(max_length=20)]


class CapacityBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    capacity: Annotated[int, Field(strict=True, ge=0, le=MAX_CAPACITY)]


class CapacityRangeBody(BaseModel):
    """DESIGN.md §15 PUT /inventory/{ticket_type}."""

    model_config = ConfigDict(extra="forbid")

    first: Date = Field(alias="from")
    last: Date = Field(alias="to")
    capacity: Annotated[int, Field(strict=True, ge=0, le=MAX_CAPACITY)]
    weekdays: Annotated[list[Int], Field(max_length=7)] | None = None


class TicketTypeChange(BaseModel):
    """PUT /catalog/ticket-types/{code}: fields left out (or null) stay as they are."""

    model_config = ConfigDict(extra="forbid")

    code: text(32) | None = None  # allowed for a whole-type PUT; must match the path
    name: text(64) | None = None
    kind: text(16) | None = None
    price_fen: Int | None = None
    components: Codes | None = None
    uses_total: Int | None = None
    min_group_size: Int | None = None
    active: Flag | None = None

    def fields(self) -> catalog_admin.TypeFields:
        return catalog_admin.TypeFields(
            name=self.name, kind=self.kind, price_fen=self.price_fen,
            components=self.components, uses_total=self.uses_total,
            min_group_size=self.min_group_size, active=self.active)


class NewTicketType(TicketTypeChange):
    """POST /catalog/ticket-types: `{code, name, kind, price_fen, components?, uses_total?,
    min_group_size?, active}`."""

    code: text(32, min_length=1)
    name: text(64)
    kind: text(16)
    price_fen: Int


def _item(item: StockItem) -> dict[str, Any]:
    return {"ticket_type": item.ticket_type, "capacity": item.capacity, "sold": item.sold,
            "held": item.held, "available": item.available}


@router.get("/catalog")
def get_catalog(_: AnyRole, s: Db) -> dict[str, Any]:
    """Active ticket types in catalog order."""
    return {"ticket_types": [
        {"code": t.code, "name": t.name, "kind": str(t.kind), "price_fen": t.price_fen,
         "components": list(t.components), "uses_total": t.uses_total,
         "min_group_size": t.min_group_size}
        for t in catalog.ticket_types(s)]}


@router.get("/catalog/ticket-types")
def list_ticket_types(_: Supervisor, s: Db) -> dict[str, Any]:
    """Every ticket type, on sale or not, with `active`, `sort_order` and `sold`."""
    return {"ticket_types": [t.to_dict() for t in catalog_admin.list_types(s)]}


@router.post("/catalog/ticket-types", status_code=201)
def create_ticket_type(body: NewTicketType, admin: Admin, s: Db, now: Now) -> dict[str, Any]:
    """A new type (409 when the code or name is taken); logged, and sent to every window."""
    return catalog_admin.create_type(s, body.code, body.fields(), now=now,
                                     actor=actors.user(admin.username)).to_dict()


@router.put("/catalog/ticket-types/{code}")
def change_ticket_type(code: code_path(32), body: TicketTypeChange, admin: Admin, s: Db,
                       now: Now) -> dict[str, Any]:
    """Change a type: a new price applies to later sales; `active: false` takes it off sale."""
    if body.code is not None and body.code.strip().upper() != code.strip().upper():
        raise ValidationError("票种代码不能更改", field="code")
    return catalog_admin.update_type(s, code, body.fields(), now=now,
                                     actor=actors.user(admin.username)).to_dict()


@router.get("/inventory")
def get_inventory(_: AnyRole, s: Db, now: Now, venue: AtVenue,
                  day: Annotated[Date | None, Query(alias="date")] = None) -> dict[str, Any]:
    """Stock of one visit date (default: today at the venue)."""
    day = day or venue.local_date(now)
    return {"date": day.isoformat(), "items": [_item(i) for i in catalog.stock(s, day)]}


@router.put("/inventory/{ticket_type}")
def put_capacity_range(ticket_type: code_path(32), body: CapacityRangeBody, admin: Admin,
                       s: Db, now: Now, venue: AtVenue) -> dict[str, Any]:
    """One capacity over a date range, optionally on ISO weekdays 1–7 only; 409 naming the
    day when it is below what is sold and held there (nothing written)."""
    items = capacity.set_capacity_range(
        s, ticket_type, body.first, body.last, body.capacity, weekdays=body.weekdays,
        now=now, venue=venue, actor=actors.user(admin.username))
    return {"items": [i.to_dict() for i in items]}


@router.put("/inventory/{date}/{ticket_type}")
def put_capacity(date: Date, ticket_type: code_path(32), body: CapacityBody, admin: Admin,
                 s: Db, now: Now) -> dict[str, Any]:
    """Set a daily capacity (never below sold + held; not for packages)."""
    return _item(capacity.set_capacity(s, ticket_type, date, body.capacity, now=now,
                                       actor=actors.user(admin.username)))
