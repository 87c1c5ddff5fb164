"""One way for every request that must take effect exactly once, whatever its journal:

- `received_requests` (scope, key): channel orders, payment callbacks, gate redemptions and
  the orders the `backfill_order` fix makes;
- `idempotency_keys` (username, key): `POST /orders` and `POST /orders/{no}/refunds`;
- `applied_ops` (op_id): the ops windows push (DESIGN.md §9), kept permanently.

Every intake reads the same way: `seen` (the key's stored entry: same request → replay its
result; another request → `KeyReused`), then, in the caller's transaction, `claim` the key and
`finish` it with the result. `claim` is an INSERT ... ON CONFLICT DO NOTHING: on PostgreSQL a
racing twin waits on the key until the first writer commits, then inserts nothing and reads
the committed row (READ COMMITTED sees it); on SQLite the whole transaction already holds the
write lock. A claim that finds a twin inside a transaction already at work raises `Taken`,
which rolls that work back; the caller answers the twin's result."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.errors import DomainError
from app.services.journal.outbox import payload_digest
from app.store.db import dialect_insert, read_transaction
from app.store.models import AppliedOp, IdempotencyKey, ReceivedRequest

Entry = sa.Row[Any]  # a journal row: its columns as attributes


@dataclass(frozen=True)
class Journal:
    """One table of keys: its key columns and the column holding the request's digest."""

    table: sa.Table
    key: tuple[str, ...]
    digest: str = "request_sha256"

    def where(self, key: tuple[str, ...]) -> sa.ColumnElement[bool]:
        return sa.and_(*(self.table.c[name] == value
                         for name, value in zip(self.key, key, strict=True)))

    def digest_of(self, entry: Entry) -> str:
        return str(entry._mapping[self.digest])


RECEIVED = Journal(ReceivedRequest.__table__, ("scope", "key"))
IDEMPOTENCY_KEYS = Journal(IdempotencyKey.__table__, ("username", "key"))
APPLIED_OPS = Journal(AppliedOp.__table__, ("op_id",), "payload_sha256")


class KeyReused(DomainError):
    """The key was already used for a request with another body (HTTP 422)."""

    code = "idempotency_key_reused"


class Taken(Exception):  # noqa: N818 — a signal to roll back and replay, not a failure
    """A racing twin committed the same request first (raised inside the transaction, so
    its work rolls back); `entry` is the twin's stored row."""

    def __init__(self, entry: Entry) -> None:
        super().__init__("taken by a twin request")
        self.entry = entry


def digest(payload: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a request's meaning (key order and spacing ignored)."""
    return payload_digest(dict(payload))


def find(session: Session, journal: Journal, key: tuple[str, ...]) -> Entry | None:
    """The stored entry of `key`, or None (inside the caller's transaction)."""
    return session.connection().execute(
        sa.select(journal.table).where(journal.where(key))).first()


def find_many(session: Session, journal: Journal, keys: Iterable[str]) -> dict[str, Entry]:
    """The stored entries of a one-column journal (`applied_ops`), by key, in one read."""
    wanted = list(keys)
    if not wanted:
        return {}
    column = journal.table.c[journal.key[0]]
    with read_transaction(session):
        rows = session.connection().execute(sa.select(journal.table).where(column.in_(wanted)))
        return {row._mapping[journal.key[0]]: row for row in rows}


def check(journal: Journal, entry: Entry, request_sha256: str, message: str) -> Entry:
    """`entry` when it was made by the same request; KeyReused (with `message`) otherwise."""
    if journal.digest_of(entry) != request_sha256:
        raise KeyReused(message)
    return entry


def seen(session: Session, journal: Journal, key: tuple[str, ...], request_sha256: str,
         message: str) -> Entry | None:
    """Before any work: the entry of the same request already done (replay it), None when
    the key is new; KeyReused when another request took it. Runs in its own read."""
    with read_transaction(session):
        entry = find(session, journal, key)
    return None if entry is None else check(journal, entry, request_sha256, message)


def claim_row(journal: Journal, key: tuple[str, ...], request_sha256: str,
              **values: Any) -> tuple[sa.Table, dict[str, Any]]:
    """The row that takes `key`, for a caller that writes it with its own rows at the end of
    its work (`write_through.write`'s `rows`): a plain INSERT, so a key a twin took first
    fails the statement (IntegrityError: roll back and replay the twin)."""
    return journal.table, (dict(zip(journal.key, key, strict=True))
                           | {journal.digest: request_sha256} | values)


_CLAIMING: dict[tuple[str, str], sa.Insert] = {}  # built once per dialect and journal


def _claiming(session: Session, journal: Journal) -> sa.Insert:
    """INSERT a key's row unless the key is taken, RETURNING the key (built once: building a
    statement costs more than running it)."""
    dialect = session.get_bind().dialect.name
    stmt = _CLAIMING.get((dialect, journal.table.name))
    if stmt is None:
        stmt = dialect_insert(dialect)(journal.table).on_conflict_do_nothing() \
            .returning(journal.table.c[journal.key[0]])
        _CLAIMING[(dialect, journal.table.name)] = stmt
    return stmt


def claim(session: Session, journal: Journal, key: tuple[str, ...], request_sha256: str, *,
          message: str, **values: Any) -> Entry | None:
    """Take the key in the caller's transaction: None when it is ours (act, then `finish`),
    else the entry of the same request that took it first (KeyReused when it differed).
    `values`: the journal's other required columns."""
    _, row = claim_row(journal, key, request_sha256, **values)
    if session.connection().execute(_claiming(session, journal), row).first() is not None:
        return None
    entry = find(session, journal, key)
    assert entry is not None  # it conflicted, so it is committed now
    return check(journal, entry, request_sha256, message)


def claim_many(session: Session, journal: Journal, rows: Sequence[Mapping[str, Any]]) -> set[str]:
    """Take many keys of a one-column journal (`applied_ops`) in the caller's transaction, in
    one statement: `rows` hold each key, its digest and the other columns (its result
    already). Returns the keys taken; one missing was held by a twin, whose entry the caller
    must answer instead (roll back and `claim` them one by one)."""
    if not rows:
        return set()
    return set(session.connection().execute(_claiming(session, journal), list(rows)).scalars())


def claim_or_raise(session: Session, journal: Journal, key: tuple[str, ...],
                   request_sha256: str, *, message: str, **values: Any) -> None:
    """`claim` at the end of a transaction already at work: a twin raises `Taken` (the work
    rolls back and the caller replays the twin) or KeyReused."""
    twin = claim(session, journal, key, request_sha256, message=message, **values)
    if twin is not None:
        raise Taken(twin)


def finish(session: Session, journal: Journal, key: tuple[str, ...], **values: Any) -> None:
    """Store the answer of the claimed request (same transaction)."""
    session.connection().execute(sa.update(journal.table).where(journal.where(key))
                                 .values(**values))


Answer = TypeVar("Answer")


@dataclass(frozen=True)
class Received:
    """What `receive`'s work returns: the answer, and what the journal keeps of it."""

    answer: Any
    order_id: str | None
    result: Mapping[str, Any]


def receive(session: Session, key: tuple[str, str], request_sha256: str, *, message: str,
            now: Any, work: Callable[[Session], Received],
            replay: Callable[[Entry], Answer]) -> Answer:
    """The whole sequence of a received request (a channel order, a payment callback, a gate
    scan) in `received_requests`: a request seen before answers `replay(entry)` and writes
    nothing; else one transaction claims the key, runs `work(session)` and keeps its result —
    a twin that claimed it first is replayed instead. KeyReused when the key came with
    another request."""
    done = seen(session, RECEIVED, key, request_sha256, message)
    if done is not None:
        return replay(done)
    with session.begin():
        twin = claim(session, RECEIVED, key, request_sha256, message=message, created_at=now)
        if twin is not None:
            return replay(twin)
        received = work(session)
        finish(session, RECEIVED, key, order_id=received.order_id, result=dict(received.result))
    return received.answer
