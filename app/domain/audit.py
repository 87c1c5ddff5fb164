"""The daily audit checkpoint (DESIGN.md §14), as pure values: the chain of every touched
order's timeline head, and its HMAC-SHA256 under a key kept outside the database.

`chain = sha256(prev + "|" + order_no + "|" + event_count + "|" + last_hash)` over the day's
orders sorted by order number, starting from 64 zeros; `mac = hex(HMAC-SHA256(key,
"menpiao-audit|" + day + "|" + orders + "|" + chain))`. Recomputing both from the stored
entries proves the checkpoint itself was not edited; comparing each entry with the order's
chain today proves the chain was not rewritten or cut since."""

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

GENESIS = "0" * 64
# demo mode and the embedded store only: a key everyone knows proves nothing, by design
DEMO_KEY = "menpiao-DEMO-audit-key-NOT-A-SECRET"


@dataclass(frozen=True)
class Head:
    """One order's timeline as a day ended: its events up to `event_count`, the last one's hash."""

    order_id: str
    order_no: str
    event_count: int
    last_hash: str


def chain(heads: Iterable[Head]) -> str:
    """The heads chained in the order given (callers sort them by order number)."""
    link = GENESIS
    for h in heads:
        text = f"{link}|{h.order_no}|{h.event_count}|{h.last_hash}"
        link = hashlib.sha256(text.encode()).hexdigest()
    return link


def sign(key: str, day: date, orders: int, chain_hash: str) -> str:
    """The checkpoint's MAC."""
    message = f"menpiao-audit|{day.isoformat()}|{orders}|{chain_hash}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def signed(key: str, day: date, orders: int, chain_hash: str, mac: str) -> bool:
    """True when `mac` is this checkpoint's (constant-time)."""
    return hmac.compare_digest(sign(key, day, orders, chain_hash), mac)
