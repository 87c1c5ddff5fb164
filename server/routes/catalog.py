"""What is sold and how much is left: catalog, inventory, daily capacity."""

from datetime import date as Date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from app.services.stock import catalog
from app.services.stock.catalog import StockItem

from ..deps import Admin, AnyRole, AtVenue, Db, Now
from ..fields import code_path

router = APIRouter()
MAX_CAPACITY = 1_000_000


class CapacityBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    capacity: Annotated[int, Field(strict=True, ge=0, le=MAX_CAPACITY)]


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


@router.get("/inventory")
def get_inventory(_: AnyRole, s: Db, now: Now, venue: AtVenue,
                  day: Annotated[Date | None, Query(alias="date")] = None) -> dict[str, Any]:
    """Stock of one visit date (default: today at the venue)."""
    day = day or venue.local_date(now)
    return {"date": day.isoformat(), "items": [_item(i) for i in catalog.stock(s, day)]}


@router.put("/inventory/{date}/{ticket_type}")
def put_capacity(date: Date, ticket_type: code_path(32), body: CapacityBody, _: Admin, s: Db,
                 now: Now) -> dict[str, Any]:
    """Set a daily capacity (never below sold + held; not for packages)."""
    return _item(catalog.set_capacity(s, ticket_type, date, body.capacity, now=now))
