from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.domain.timeline import (
    GENESIS_HASH,
    event_hash,
    first_broken,
    iso_utc,
    next_event,
    verify_chain,
)

T0 = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)


def chain(n: int):
    events, prev = [], None
    for i in range(n):
        prev = next_event(prev, at=T0 + timedelta(seconds=i), actor="user:clerk1",
                          action="order.created" if i == 0 else "ticket.reprinted",
                          source="window", detail={"i": i, "名": "成人票"})
        events.append(prev)
    return events


def test_first_event_links_to_genesis_and_hash_is_documented_formula():
    e = chain(1)[0]
    assert e.prev_hash == GENESIS_HASH and e.seq == 1
    import hashlib
    body = ('{"action":"order.created","actor":"user:clerk1","at":"2026-11-21T02:00:00Z",'
            '"detail":{"i":0,"名":"成人票"},"seq":1,"source":"window"}')
    assert e.hash == hashlib.sha256((GENESIS_HASH + body).encode()).hexdigest()


def test_iso_utc_uses_z():
    assert iso_utc(T0) == "2026-11-21T02:00:00Z"


def test_intact_chain_verifies():
    assert verify_chain(chain(5))


@given(st.integers(0, 5), st.sampled_from(["actor", "action", "detail", "source", "at", "seq",
                                           "prev_hash", "hash"]))
def test_any_edit_is_detected(index, what):
    events = chain(6)
    e = events[index]
    edited = {
        "actor": lambda: replace(e, actor="user:mallory"),
        "action": lambda: replace(e, action="order.cancelled"),
        "detail": lambda: replace(e, detail={"i": -1}),
        "source": lambda: replace(e, source="server"),
        "at": lambda: replace(e, at=e.at + timedelta(microseconds=1)),
        "seq": lambda: replace(e, seq=e.seq + 10),
        "prev_hash": lambda: replace(e, prev_hash="f" * 64),
        "hash": lambda: replace(e, hash="0" * 64),
    }[what]()
    events[index] = edited
    assert first_broken(events) == edited.seq  # the first stored event that fails
    assert verify_chain(events[:index])


def test_deleting_or_reordering_is_detected():
    events = chain(4)
    assert not verify_chain(events[:1] + events[2:])
    assert not verify_chain([events[1], events[0], *events[2:]])


def test_hash_depends_on_prev():
    assert event_hash("a" * 64, 1, T0, "x", "y", {}, "z") != event_hash("b" * 64, 1, T0, "x", "y", {}, "z")
