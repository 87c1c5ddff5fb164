"""Order search: DESIGN.md §8 `GET /orders` on the central store and the client's Orders screen
on its local cache — the same query on PostgreSQL and SQLite.

Newest first on `(created_at desc, order_id desc)` with keyset paging: the cursor names the last
order returned, so orders written between two pages never shift the next page (no duplicates,
no misses). Results are masked Order JSON.

Filters (all optional, combined with AND):
- `channel`: one or several channels (any of them; a request gives them comma-separated).
- `status`: one or several display statuses (any of them), so the filter agrees with the list:
  `anomaly` = has an open anomaly (the `display_status`); any other status = the stored
  `orders.status` (kept equal to `derive_status` by the services) **and no open anomaly** —
  an order shown as 异常 is found under 异常, never under its stored status.
- `anomaly` (True/False: has / has no open anomaly), `ticket_type` (a ticket of that type, or
  sold as that package).
- `visit_from` / `visit_to`: visit dates, inclusive.
- `created_from` / `created_to`: a `date` is a whole day in the venue's zone (inclusive); an
  aware `datetime` is an instant (inclusive). Text from a request is parsed by `parse_created`:
  `YYYY-MM-DD`, or an ISO-8601 date-time (without a zone it is venue local time).
- `q` (trimmed; empty is ignored): a ticket code (`MP1-…`) → its order; 4+ digits → the end of
  the customer's phone (the Refund screen reads 1–4 digits as today's order of its window
  first: `window_order_no_of_tail`); else an exact order number (case-insensitive), or when
  none has it, a part of the customer's name (or the order number in another letter case).
- `terminal` / `clerk`: the restriction of a clerk (his window; without one, his own sales).

On PostgreSQL the page walks `ix_orders_created_at` (a clerk: `ix_orders_terminal_created`)
backwards; ticket codes and order numbers are found through their unique indexes first. Phone
tails go through `ix_orders_phone_reversed`, name parts through `ix_orders_name_trgm` (3+
characters) or `ix_orders_name_grams` (1–2) (migration 0013); on SQLite they scan, bounded by
LIMIT and the other filters.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, array
from sqlalchemy.orm import Session

from app.domain.errors import ValidationError
from app.domain.ids import CHANNEL_PREFIXES, window_order_no
from app.domain.lifecycle import OrderStatus
from app.domain.venue import Venue
from app.services.journal.orders import open_anomaly_count, orders_json
from app.store.db import read_transaction
from app.store.models import Anomaly, Order, Ticket

CHANNELS = tuple(CHANNEL_PREFIXES)
ANOMALY = "anomaly"  # the display status of an order with an open anomaly
STATUSES = tuple(str(s) for s in OrderStatus) + (ANOMALY,)
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_TEXT = 64
PHONE_TAIL_MIN = 4
ORDER_TAIL_MAX = 4  # W01-20261121-0012: the clerk types 0012 (or 12)

_CODE_RE = re.compile(r"^MP1-[A-Z2-7]{26}$")
_DIGITS_RE = re.compile(r"^[0-9]+$")
_CURSOR_RE = re.compile(r"^[A-Za-z0-9_-]{1,120}$")
_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_TRUE, _FALSE = ("true", "1", "yes"), ("false", "0", "no")

Instant = date | datetime


def _many(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    """One value, a comma-separated list or a sequence → a tuple of non-blank values, in order,
    without repeats."""
    if value is None:
        return ()
    parts = value.split(",") if isinstance(value, str) else list(value)
    return tuple(dict.fromkeys(p.strip() for p in parts if isinstance(p, str) and p.strip()))


@dataclass(frozen=True)
class OrderFilters:
    """What a search asks for. `channel` and `status` take one value, a comma-separated text
    or a tuple; they are kept as tuples (empty: no filter)."""

    channel: tuple[str, ...] | str | None = ()
    status: tuple[str, ...] | str | None = ()
    ticket_type: str | None = None
    visit_from: date | None = None
    visit_to: date | None = None
    created_from: Instant | None = None
    created_to: Instant | None = None
    q: str | None = None
    anomaly: bool | None = None
    terminal: str | None = None  # a clerk: his window's orders only
    clerk: str | None = None  # a clerk without a window: his own sales only

    def __post_init__(self) -> None:
        object.__setattr__(self, "channel", _many(self.channel))
        object.__setattr__(self, "status", _many(self.status))


# -- parsing request text ------------------------------------------------------------------------
def _bad(message: str, field: str) -> ValidationError:
    return ValidationError(message, field=field)


def parse_date(text: str, *, field: str) -> date:
    """`YYYY-MM-DD` → date; anything else is a ValidationError naming the field."""
    value = text.strip()
    try:
        if _DATE_RE.match(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise _bad(f"{field} 必须是日期（YYYY-MM-DD）：{text[:40]!r}", field)


def parse_created(text: str, *, field: str, venue: Venue) -> Instant:
    """A creation bound: `YYYY-MM-DD` (a venue-local day) or an ISO-8601 date-time (an
    instant; without a zone it is venue local time)."""
    value = text.strip()
    if _DATE_RE.match(value):
        day = parse_date(value, field=field)
        try:  # the day's bounds are queried in UTC
            _day_start(day, venue), _day_start(day + timedelta(days=1), venue)
        except OverflowError:
            raise _out_of_range(text, field) from None
        return day
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise _bad(f"{field} 必须是日期（YYYY-MM-DD）或 ISO-8601 时间：{text[:40]!r}",
                   field) from None
    at = at.replace(tzinfo=venue.tz) if at.tzinfo is None else at
    try:
        at.astimezone(UTC)
    except OverflowError:
        raise _out_of_range(text, field) from None
    return at


def _out_of_range(text: str, field: str) -> ValidationError:
    """A bound with no UTC equivalent (0001-01-01 at +08:00, the day after 9999-12-31): the
    query would fail on it, as a 500."""
    return _bad(f"{field} 超出可查询的时间范围：{text[:40]!r}", field)


def parse_bool(text: str, *, field: str) -> bool:
    value = text.strip().lower()
    if value in _TRUE or value in _FALSE:
        return value in _TRUE
    raise _bad(f"{field} 必须是 true 或 false", field)


def filters_from_params(params: Mapping[str, str | None], *, venue: Venue,
                        terminal: str | None = None, clerk: str | None = None) -> OrderFilters:
    """OrderFilters from request text (missing or blank values are no filter)."""
    p = {k: v for k, v in params.items() if v is not None and v.strip()}

    def day(name: str) -> date | None:
        return parse_date(p[name], field=name) if name in p else None

    def created(name: str) -> Instant | None:
        return parse_created(p[name], field=name, venue=venue) if name in p else None

    return OrderFilters(
        channel=_many(p.get("channel")), status=_many(p.get("status")),
        ticket_type=p.get("ticket_type", "").strip() or None,
        visit_from=day("visit_from"), visit_to=day("visit_to"),
        created_from=created("created_from"), created_to=created("created_to"),
        q=p.get("q"), anomaly=parse_bool(p["anomaly"], field="anomaly") if "anomaly" in p else None,
        terminal=terminal, clerk=clerk)


# -- checking ------------------------------------------------------------------------------------
def check_filters(f: OrderFilters, limit: int) -> None:
    for fld in fields(f):
        value = getattr(f, fld.name)
        for text in value if isinstance(value, tuple) else (value,):
            if isinstance(text, str) and ("\x00" in text or len(text) > MAX_TEXT):
                raise _bad(f"{fld.name} 含有不允许的字符或太长（最多 {MAX_TEXT} 个字符）",
                           fld.name)
    for channel in f.channel:
        if channel not in CHANNELS:
            raise _bad(f"不认识的渠道：{channel}（可选 {', '.join(CHANNELS)}）", "channel")
    for status in f.status:
        if status not in STATUSES:
            raise _bad(f"不认识的订单状态：{status}（可选 {', '.join(STATUSES)}）", "status")
    for name in ("created_from", "created_to"):
        at = getattr(f, name)
        if isinstance(at, datetime) and at.tzinfo is None:
            raise _bad(f"{name} 必须带时区", name)
    if f.visit_from and f.visit_to and f.visit_from > f.visit_to:
        raise _bad("游玩日期的开始不能晚于结束", "visit_from")
    if not 1 <= limit <= MAX_LIMIT:
        raise _bad(f"limit 必须在 1 到 {MAX_LIMIT} 之间", "limit")


# -- the cursor ----------------------------------------------------------------------------------
def encode_cursor(created_at: datetime, order_id: str) -> str:
    """Opaque and URL-safe: base64url of `microseconds since the epoch:order_id`."""
    micros = (created_at - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
    return base64.urlsafe_b64encode(f"{micros}:{order_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """The (created_at, order_id) a cursor names; ValidationError for anything else."""
    try:
        if not _CURSOR_RE.match(cursor):
            raise ValueError(cursor)
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        micros, order_id = raw.split(":")
        at = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=int(micros))
        if len(order_id) != 36:
            raise ValueError(order_id)
        uuid.UUID(order_id)
        return at, order_id
    except (ValueError, binascii.Error, UnicodeDecodeError, OverflowError):
        raise _bad("分页游标（cursor）无效，请从第一页重新查询", "cursor") from None


# -- the query -----------------------------------------------------------------------------------
def _open_anomaly() -> sa.ColumnElement[bool]:
    return sa.exists().where(Anomaly.order_id == Order.order_id, Anomaly.status == "open")


def _day_start(day: date, venue: Venue) -> datetime:
    return datetime.combine(day, time(0), venue.tz).astimezone(UTC)


def _created(f: OrderFilters, venue: Venue) -> list[sa.ColumnElement[bool]]:
    out = []
    if isinstance(f.created_from, datetime):
        out.append(Order.created_at >= f.created_from)
    elif f.created_from is not None:
        out.append(Order.created_at >= _day_start(f.created_from, venue))
    if isinstance(f.created_to, datetime):
        out.append(Order.created_at <= f.created_to)
    elif f.created_to is not None:
        out.append(Order.created_at < _day_start(f.created_to + timedelta(days=1), venue))
    return out


def _normalised_q(q: str | None) -> str:
    return unicodedata.normalize("NFKC", q or "").strip()


def window_order_no_of_tail(text: str, *, terminal: str, day: date) -> str | None:
    """The order number a clerk means by the tail of one of his window's orders of `day`
    (`0012` or `12` at window 01 on 2026-11-21 → `W01-20261121-0012`); None when `text` is
    not 1–4 digits naming a sequence number."""
    q = _normalised_q(text)
    if not (_DIGITS_RE.match(q) and len(q) <= ORDER_TAIL_MAX and int(q) >= 1):
        return None
    return window_order_no(terminal, day, int(q))


def _order_no_variants(text: str) -> set[str]:
    """Spellings an index can find: as typed, upper, lower, and upper prefix + rest as typed."""
    prefix, dash, rest = text.partition("-")
    variants = {text, text.upper(), text.lower()}
    if dash:
        variants |= {prefix.upper() + dash + rest, prefix.upper() + dash + rest.lower(),
                     prefix.upper() + dash + rest.upper()}
    return variants


def _q_clause(session: Session, q: str) -> sa.ColumnElement[bool]:
    if _CODE_RE.match(q.upper()):
        return Order.order_id.in_(sa.select(Ticket.order_id).where(Ticket.code == q.upper()))
    if _DIGITS_RE.match(q) and len(q) >= PHONE_TAIL_MIN:
        return _phone_tail(session, q)
    exact = session.execute(sa.select(Order.order_id).where(
        Order.order_no.in_(_order_no_variants(q)))).scalars().all()
    if exact:  # an order number found through its index: no scan over names
        return Order.order_id.in_(exact)
    return _name_part(session, q)


def _phone_tail(session: Session, digits: str) -> sa.ColumnElement[bool]:
    """The customer's phone ends with `digits`. On PostgreSQL also a range over the reversed
    phone (`ix_orders_phone_reversed`, migration 0013: the tail is a prefix of the reversed
    phone) — a range, not a LIKE, so that a generic prepared plan uses the index too."""
    ends = Order.customer_phone.like(f"%{digits}")
    if session.get_bind().dialect.name != "postgresql":
        return ends
    first = digits[::-1]
    after = first[:-1] + chr(ord(first[-1]) + 1)  # digits only: '9' + 1 is ':'
    reversed_c = sa.func.reverse(Order.customer_phone).collate("C")
    return sa.and_(reversed_c >= first, reversed_c < after, ends)


def _name_part(session: Session, q: str) -> sa.ColumnElement[bool]:
    """A part of the customer's name (case-insensitive), or the order number in another letter
    case. On PostgreSQL a part of three characters or more goes through `ix_orders_name_trgm`
    (pg_trgm), a shorter one through `ix_orders_name_grams` (its characters and character
    pairs, migration 0013), the order number through `ix_orders_order_no_lower`. The part is
    written into the SQL as a literal (quoted by SQLAlchemy): a prepared statement's generic
    plan, blind to the pattern, would walk every order or read the whole trigram index."""
    pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    pg = session.get_bind().dialect.name == "postgresql"
    name = Order.customer_name.ilike(sa.literal(pattern, sa.String, literal_execute=pg),
                                     escape="\\")
    if len(q) <= 2 and pg:
        grams = sa.func.menpiao_name_grams(Order.customer_name, type_=ARRAY(sa.Text))
        part = sa.literal(q.lower(), sa.Text, literal_execute=True)
        name = sa.and_(name, grams.contains(array([sa.func.lower(part)])))  # ILIKE first
    return sa.or_(sa.func.lower(Order.order_no) == q.lower(), name)


def _status_clause(statuses: tuple[str, ...]) -> sa.ColumnElement[bool]:
    """Any of the display statuses: `anomaly` is an open anomaly; a stored status counts only
    while the order has none (the list shows such an order as 异常)."""
    stored = [s for s in statuses if s != ANOMALY]
    either = []
    if stored:
        either.append(sa.and_(Order.status.in_(stored), ~_open_anomaly()))
    if ANOMALY in statuses:
        either.append(_open_anomaly())
    return sa.or_(*either)


def conditions(session: Session, f: OrderFilters,
                venue: Venue) -> list[sa.ColumnElement[bool]]:
    out: list[sa.ColumnElement[bool]] = []
    if f.channel:
        out.append(Order.channel.in_(f.channel))
    if f.status:
        out.append(_status_clause(f.status))
    if f.anomaly is not None:
        out.append(_open_anomaly() if f.anomaly else ~_open_anomaly())
    if f.ticket_type:
        out.append(sa.exists().where(
            Ticket.order_id == Order.order_id,
            sa.or_(Ticket.ticket_type == f.ticket_type, Ticket.sold_as == f.ticket_type)))
    if f.visit_from:
        out.append(Order.visit_date >= f.visit_from)
    if f.visit_to:
        out.append(Order.visit_date <= f.visit_to)
    out += _created(f, venue)
    if f.terminal:
        out.append(Order.terminal == f.terminal)
    elif f.clerk:
        out.append(Order.clerk == f.clerk)
    q = _normalised_q(f.q)
    if q:
        out.append(_q_clause(session, q))
    return out


def _after(cursor: str) -> sa.ColumnElement[bool]:
    at, order_id = decode_cursor(cursor)
    # `created_at <= at` alone can use ix_orders_created_at; the rest breaks ties.
    return sa.and_(Order.created_at <= at,
                   sa.or_(Order.created_at < at, Order.order_id < order_id))


VISIT_SORT_MAX_DAYS = 31


def _newest(session: Session, f: OrderFilters) -> sa.ColumnElement[Any]:
    """What the page is ordered by: `created_at`. A search bounded by a short visit range
    (≤ `VISIT_SORT_MAX_DAYS`) orders on PostgreSQL by `created_at + interval '0'` — the
    same order, which no index gives: the planner then reads the range's orders through
    `ix_orders_visit_date` / `ix_orders_status_visit` and sorts them, instead of walking
    `ix_orders_created_at` backwards past every newer order (a week of visits 100 days ago:
    9 ms instead of 216 ms at 1M orders). A longer range may hold too many orders to sort."""
    short = (f.visit_from is not None and f.visit_to is not None
             and (f.visit_to - f.visit_from).days < VISIT_SORT_MAX_DAYS)
    if short and session.get_bind().dialect.name == "postgresql":
        return Order.created_at + sa.literal_column("interval '0'", sa.Interval)
    return Order.created_at


def search_orders(session: Session, filters: OrderFilters, *, limit: int = DEFAULT_LIMIT,
                  cursor: str | None = None,
                  venue: Venue | None = None) -> tuple[list[dict[str, Any]], str | None]:
    """One page of orders matching `filters`, newest first, as masked Order JSON, and the
    cursor of the next page (None on the last). `venue` turns created dates into instants
    (default: Asia/Shanghai). ValidationError (Chinese) for a bad filter, limit or cursor."""
    check_filters(filters, limit)
    after = _after(cursor) if cursor else None
    with read_transaction(session):
        where = conditions(session, filters, venue or Venue())
        if after is not None:
            where.append(after)
        rows = session.execute(
            sa.select(Order, open_anomaly_count()).where(*where)
            .order_by(_newest(session, filters).desc(), Order.order_id.desc())
            .limit(limit + 1)).all()
        page = [order for order, _ in rows[:limit]]
        more = len(rows) > limit
        result = orders_json(session, page, reveal=False,
                             open_anomalies={o.order_id: n for o, n in rows[:limit]})
    next_cursor = encode_cursor(page[-1].created_at, page[-1].order_id) if more else None
    return result, next_cursor
