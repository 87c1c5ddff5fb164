"""SQLAlchemy 2 models of every table, split by area; import them from here."""

from .accounts import SignInFailure
from .base import Base
from .catalog import Device, Inventory, LeaseRow, Setting, TicketTypeRow, User
from .closing import DayClose, SettlementLine
from .intake import ReceivedRequest
from .ops import (
    AdminChange,
    ApiToken,
    AppliedOp,
    CashMovement,
    ChangeLog,
    Counter,
    IdempotencyKey,
    OrderCounter,
    OutboxOp,
    PrintJobRow,
    Shift,
    SyncState,
)
from .orders import Anomaly, AuditCheckpoint, Order, Payment, Refund, Ticket, TimelineEvent

__all__ = [
    "AdminChange", "ApiToken", "AppliedOp", "Anomaly", "AuditCheckpoint", "Base", "CashMovement", "ChangeLog", "Counter", "DayClose", "Device",
    "IdempotencyKey", "Inventory", "LeaseRow", "Order", "OrderCounter", "OutboxOp", "Payment",
    "PrintJobRow", "ReceivedRequest", "Refund", "Setting", "Shift", "SettlementLine", "SignInFailure", "SyncState", "Ticket",
    "TicketTypeRow", "TimelineEvent", "User",
]
