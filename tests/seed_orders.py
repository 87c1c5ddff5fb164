"""Orders of every channel for search tests: window sales through the real `sell`, channel orders
written straight through the ORM (the way an intake would leave them), anomalies on demand."""

from __future__ import annotations

from datetime import date, datetime

from app.domain.ids import channel_order_no, new_id, new_ticket_code
from app.domain.lifecycle import derive_status
from app.domain.venue import Venue
from app.services.sales import selling
from app.store.db import Database
from app.store.models import Anomaly, Order, Payment, Ticket

PRICES = {"ADULT": (10000, "成人票"), "CHILD": (5000, "儿童票"), "SPECIAL": (6000, "特价票")}


def sell(db: Database, now: datetime, venue: Venue, *lines: tuple[str, int],
         terminal: str = "01", clerk: str = "clerk1",
         visit_date: date | None = None) -> selling.SaleResult:
    """A cash window sale at `now` (paid exactly)."""
    request = selling.SaleRequest(
        terminal=terminal, clerk=clerk, device_id=f"window-{terminal}",
        visit_date=visit_date or venue.local_date(now),
        lines=tuple(selling.SaleLine(code, qty) for code, qty in lines or (("ADULT", 1),)),
        tendered_fen=10_000_000)
    return selling.sell(db.session(), request, now=now, venue=venue, local_effects=False)


def channel_order(db: Database, channel: str, external_id: str, *, created_at: datetime,
                  visit_date: date, lines: tuple[tuple[str, int], ...] = (("ADULT", 1),),
                  name: str | None = None, phone: str | None = None,
                  ticket_status: str = "valid", paid: bool = True,
                  anomaly: str | None = None) -> dict:
    """A channel order as the ORM would hold it; `anomaly` (a kind) opens one on it."""
    order_id, order_no = new_id(), channel_order_no(channel, external_id)
    specs = [(code, i) for code, qty in lines for i in range(qty)]
    total = sum(PRICES[code][0] for code, _ in specs)
    states = [ticket_status] * len(specs)
    status = derive_status("paid" if paid else "none", False, states)
    codes = [new_ticket_code() for _ in specs]
    with db.session() as s, s.begin():
        s.add(Order(order_id=order_id, order_no=order_no, channel=channel,
                    external_id=external_id, visit_date=visit_date, status=str(status),
                    payment_state="paid" if paid else "none", cancelled=False,
                    total_fen=total, paid_fen=total if paid else 0, refunded_fen=0,
                    customer_name=name, customer_phone=phone, created_at=created_at,
                    updated_at=created_at))
        s.flush()
        for pos, ((code, _), ticket_code) in enumerate(zip(specs, codes, strict=True), 1):
            price, label = PRICES[code]
            s.add(Ticket(ticket_id=new_id(), order_id=order_id, position=pos, code=ticket_code,
                         ticket_type=code, sold_as=code, name=label, kind="regular",
                         price_fen=price, list_price_fen=price, status=ticket_status,
                         uses_total=1, uses_left=0 if ticket_status == "redeemed" else 1,
                         updated_at=created_at))
        if paid:
            s.add(Payment(payment_id=new_id(), payment_no=f"{order_no}-P1", order_id=order_id,
                          method="ota" if channel.startswith("ota") else "wechat",
                          amount_fen=total, tendered_fen=total, change_fen=0,
                          status="succeeded", provider=channel, at=created_at))
        if anomaly:
            s.add(Anomaly(anomaly_id=new_id(), kind=anomaly, category="payment",
                          order_id=order_id,
                          order_no=order_no, dedupe_key=f"{anomaly}:{order_id}",
                          reason="测试异常", evidence={}, priority=10, status="open",
                          fixes=["refund_duplicate"], detected_at=created_at))
    return {"order_id": order_id, "order_no": order_no, "codes": codes}
