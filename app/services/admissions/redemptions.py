"""Redemptions at the gate (DESIGN.md §8 `POST /redemptions`): each scan (by its nonce) is
judged once by `app.domain.redemption.judge`, online or uploaded late from an offline gate.

Offline uploads carry the time the gate scanned (`at`): the ticket's `redeemed_at` is that
time, the day checked is its venue-local date, and a single-use ticket whose uploaded scan is
older than the recorded first use takes that earlier scan as its first use (both entries
happened: `duplicate_redemption`). A scan time a little in the future (a gate clock running
ahead, up to `devices.CLOCK_SKEW`) is taken as now; one further ahead, or older than
`devices.OFFLINE_WINDOW`, is refused. The device is the one the caller signed in at (the
route takes it from the token)."""

import re
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain import actors
from app.domain.errors import ValidationError
from app.domain.lifecycle import PassUse, PaymentState, TicketState, next_ticket_state
from app.domain.redemption import Outcome, Scan, TicketFacts, Verdict, judge
from app.domain.timeline import iso_utc
from app.domain.venue import Venue
from app.services.admin import devices
from app.services.journal import exactly_once, timeline
from app.services.journal.anomaly_log import open_anomaly
from app.services.journal.order_state import changed, lock_order
from app.store.models import Order, Ticket

SCOPE = "redemption"
SOURCE = "gate"
NONCE = re.compile(r"^[\x21-\x7e]{1,128}$")
_REUSED = "这个核销请求编号（nonce）已用于另一次不同的扫码"


@dataclass(frozen=True)
class RedeemRequest:
    nonce: str
    ticket_code: str
    device_id: str
    at: datetime  # when the gate scanned (aware)
    result: str | None = None  # ok | failed: what the gate did (offline uploads)
    reason: str | None = None  # the gate's words on a failure


@dataclass(frozen=True)
class RedeemResult:
    outcome: str  # valid | duplicate | refunded | invalid | failed
    order_no: str | None
    ticket: dict[str, Any] | None
    reason: str  # zh_CN
    anomaly_id: str | None = None


def _check(req: RedeemRequest) -> None:
    if not NONCE.match(req.nonce):
        raise ValidationError("nonce 必须是 1–128 个可打印 ASCII 字符", field="nonce")
    if not req.device_id.strip():
        raise ValidationError("缺少设备编号", field="device_id")
    if req.at.tzinfo is None:
        raise ValidationError("扫码时间必须带时区", field="at")
    if req.result not in (None, "ok", "failed"):
        raise ValidationError("result 应为 ok 或 failed", field="result")


def _meaning(req: RedeemRequest) -> dict[str, Any]:
    return {"ticket_code": req.ticket_code, "device_id": req.device_id, "at": iso_utc(req.at),
            "result": req.result, "reason": req.reason}


def ticket_json(t: Ticket) -> dict[str, Any]:
    return {"ticket_id": t.ticket_id, "code": t.code, "ticket_type": t.ticket_type,
            "sold_as": t.sold_as, "name": t.name, "price_fen": t.price_fen,
            "status": t.status, "uses_total": t.uses_total, "uses_left": t.uses_left,
            "redeemed_at": iso_utc(t.redeemed_at) if t.redeemed_at else None,
            "redeemed_by": t.redeemed_by}


def use_ticket(t: Ticket, by: str, at: datetime, verdict: Verdict, now: datetime) -> None:
    """Apply an admitting verdict: one use of the ticket at `at` by `by` (a device id, or
    `user:NAME` for a manual redemption)."""
    if verdict.earlier_first_use:  # the ticket is already used: only the first use moves
        t.redeemed_at, t.redeemed_by = at, by
    elif t.uses_total > 1:
        t.uses_left, state = PassUse(t.uses_left).use()
        t.status = str(state)
        t.redeemed_at = max(t.redeemed_at, at) if t.redeemed_at else at
        t.redeemed_by = by
    else:
        if t.status == TicketState.VALID:
            t.status = str(next_ticket_state(t.status, "redeem_start"))
        t.status = str(next_ticket_state(t.status, "redeem_done"))
        t.uses_left = 0
        t.redeemed_at, t.redeemed_by = at, by
    t.version += 1
    t.updated_at = now


def _local(venue: Venue, at: datetime | None) -> str:
    return venue.local(at).strftime("%Y-%m-%d %H:%M:%S") if at else "未知时间"


def _anomaly(session: Session, kind: str, order: Order, t: Ticket, req: RedeemRequest,
             at: datetime, first: tuple[datetime | None, str | None], now: datetime,
             venue: Venue) -> str | None:
    when, dev = _local(venue, at), _device_label(session, req.device_id)
    reasons = {
        "duplicate_redemption": (
            f"单次票 {t.code} 已于 {_local(venue, first[0])} 在{_device_label(session, first[1])}"
            f"核销，又于 {when} 在{dev}扫码"),
        "redeemed_after_refund": f"票 {t.code} 已退票，{dev}仍于 {when} 放行（离线核销上传）",
        "redeem_failed": f"{dev}于 {when} 核销票 {t.code} 失败：{req.reason or '未说明原因'}",
    }
    key = {"duplicate_redemption": f"duplicate_redemption:{t.ticket_id}",
           "redeemed_after_refund": f"redeemed_after_refund:{t.ticket_id}",
           "redeem_failed": f"redeem_failed:{t.ticket_id}:{venue.local_date(at)}"}[kind]
    evidence = {"ticket_id": t.ticket_id, "code": t.code, "device_id": req.device_id,
                "device_location": devices.location_of(session, req.device_id),
                "scanned_at": iso_utc(at), "nonce": req.nonce, "gate_result": req.result,
                "gate_reason": req.reason,
                "first_redeemed_at": iso_utc(first[0]) if first[0] else None,
                "first_redeemed_by": first[1]}
    return open_anomaly(session, kind, order_id=order.order_id, reason=reasons[kind],
                        evidence=evidence, amount_fen=t.price_fen, now=now, dedupe_key=key)


def _device_label(session: Session, device_id: str | None) -> str:
    """`南门闸机1号（G-S01）` when its location is known, else `设备 G-S01 `."""
    if not device_id:
        return "未知设备"
    location = devices.location_of(session, device_id)
    return devices.label_of(device_id, location) if location else f"设备 {device_id} "


def _log(session: Session, order: Order, t: Ticket, req: RedeemRequest, at: datetime,
         verdict: Verdict, now: datetime) -> None:
    action = {Outcome.VALID: "ticket.redeemed",
              Outcome.FAILED: "ticket.redeem_failed"}.get(verdict.outcome, "ticket.redeem_refused")
    timeline.append(session, order.order_id, [(action, {
        "ticket_id": t.ticket_id, "code": t.code, "name": t.name, "outcome": str(verdict.outcome),
        "reason": verdict.reason, "uses_left": t.uses_left, "scanned_at": iso_utc(at),
        "nonce": req.nonce, "gate_result": req.result, "gate_reason": req.reason})],
        at=now, actor=actors.device(req.device_id), source=SOURCE)


def _judge(session: Session, req: RedeemRequest, now: datetime, venue: Venue
           ) -> tuple[RedeemResult, str | None]:
    devices.seen(session, req.device_id, now=now, new_kind="gate")  # alive, whatever it scans
    code = req.ticket_code.strip().upper()
    order_id = session.execute(sa.select(Ticket.order_id).where(Ticket.code == code)).scalar()
    order = lock_order(session, order_id=order_id) if order_id else None
    if order is None:
        return RedeemResult(str(Outcome.INVALID), None, None, "票码无效，没有这张票"), None
    t = session.execute(sa.select(Ticket).where(Ticket.code == code)
                        .execution_options(populate_existing=True)).scalar_one()
    at = min(req.at, now)
    verdict = judge(TicketFacts(t.status, t.uses_total, t.uses_left, order.visit_date,
                                order.payment_state == PaymentState.PAID, order.cancelled,
                                t.redeemed_at, order.locked_at is not None),
                    Scan(venue.local_date(at), at, req.result))
    first = (t.redeemed_at, t.redeemed_by)
    if verdict.admit:
        use_ticket(t, req.device_id, at, verdict, now)
    _log(session, order, t, req, at, verdict, now)
    if verdict.admit:
        changed(session, order, now=now)
    anomaly = _anomaly(session, verdict.anomaly, order, t, req, at, first, now, venue) \
        if verdict.anomaly else None
    return RedeemResult(str(verdict.outcome), order.order_no, ticket_json(t), verdict.reason,
                        anomaly), order.order_id


def _stored(row: Any) -> RedeemResult:
    return RedeemResult(**dict(row.result or {}))


def redeem(session: Session, req: RedeemRequest, *, now: datetime, venue: Venue) -> RedeemResult:
    """Judge one scan once (see the module docstring and `judge`). The same nonce again
    answers the stored result and writes nothing; with another scan behind it raises
    `exactly_once.KeyReused`. An unknown code is `invalid` (no order, nothing but the nonce kept).
    Raises ValidationError for malformed fields or a scan time out of bounds."""
    _check(req)

    def work(s: Session) -> exactly_once.Received:
        devices.check_device_time(req.at, now, field="at")  # a new scan only: replays answer
        result, order_id = _judge(s, req, now, venue)
        return exactly_once.Received(result, order_id, asdict(result))

    return exactly_once.receive(session, (SCOPE, req.nonce), exactly_once.digest(_meaning(req)),
                                message=_REUSED, now=now, work=work, replay=_stored)

