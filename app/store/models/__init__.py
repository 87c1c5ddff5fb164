"""SQLAlchemy 2 models of every table, split by area; import them from here."""

from .base import Base
from .catalog import Device, Inventory, LeaseRow, Setting, TicketTypeRow, User
from .ops import (
    AppliedOp,
    ChangeLog,
    Counter,
    OrderCounter,
    OutboxOp,
    PrintJobRow,
    Shift,
    SyncState,
)
from .orders import Anomaly, Order, Payment, Refund, Ticket, TimelineEvent

__all__ = [
    "AppliedOp", "Anomaly", "Base", "ChangeLog", "Counter", "Device", "Inventory", "LeaseRow",
    "Order", "OrderCounter", "OutboxOp", "Payment", "PrintJobRow", "Refund", "Setting", "Shift",
    "SyncState", "Ticket", "TicketTypeRow", "TimelineEvent", "User",
]
