"""Identifiers: UUIDs for records, human order numbers, and ticket codes (the QR payload)."""

import base64
import re
import secrets
import uuid
from datetime import date
from typing import NewType

OrderNo = NewType("OrderNo", str)
TicketCode = NewType("TicketCode", str)

TICKET_CODE_PREFIX = "MP1-"
_TICKET_CODE_RE = re.compile(r"^MP1-[A-Z2-7]{26}$")
_TERMINAL_RE = re.compile(r"^[A-Z0-9]{1,8}$")

CHANNEL_PREFIXES = {
    "window": "W",
    "miniprogram": "MP",
    "website": "WEB",
    "ota_ctrip": "CTRIP",
    "ota_meituan": "MEITUAN",
    "agency": "AGY",
}
CHANNEL_LABELS_ZH = {"window": "售票窗口", "miniprogram": "小程序", "website": "官网",
                     "ota_ctrip": "携程", "ota_meituan": "美团", "agency": "旅行社"}


def new_id() -> str:
    """A fresh UUID made where the record is created (client or server)."""
    return str(uuid.uuid4())


def normalize_terminal(terminal: str) -> str:
    t = terminal.strip().upper()
    if not _TERMINAL_RE.match(t):
        raise ValueError(f"terminal id must be 1-8 letters or digits, got {terminal!r}")
    return t


def window_order_no(terminal: str, local_day: date, seq: int) -> OrderNo:
    """`W{terminal}-{YYYYMMDD}-{seq:04d}`, e.g. W01-20261121-0007."""
    if seq < 1:
        raise ValueError("order sequence starts at 1")
    return OrderNo(f"W{normalize_terminal(terminal)}-{local_day:%Y%m%d}-{seq:04d}")


def channel_order_no(channel: str, external_id: str) -> OrderNo:
    return OrderNo(f"{CHANNEL_PREFIXES[channel]}-{external_id}")


def refund_no(order_no: str, n: int) -> str:
    return f"{order_no}-R{n}"


def new_ticket_code(random_bytes: bytes | None = None) -> TicketCode:
    """`MP1-` + 26 base32 chars of 128 random bits; ASCII only, scanner-safe."""
    raw = random_bytes if random_bytes is not None else secrets.token_bytes(16)
    if len(raw) != 16:
        raise ValueError("a ticket code needs 16 random bytes")
    body = base64.b32encode(raw).decode("ascii").rstrip("=")
    return TicketCode(TICKET_CODE_PREFIX + body)


def is_ticket_code(text: str) -> bool:
    return bool(_TICKET_CODE_RE.match(text.strip().upper()))
