"""The refund policy in force (DESIGN.md §5, §15): holidays with their same-day rate, the
dual-approval line and the payment-channel fees, kept under `settings[refund_policy]`.

Every quote reads it inside its own transaction (`in_force`), on the store and on a window:
the store's row is set by an admin (`set_policy`, logged in the admin log, sent down the
changes feed as entity `policy`, id `refund_policy`); a window keeps the copy the feed brought
(`mirror`), so it quotes by the same rules offline. With no row stored the code defaults of
`RefundPolicy` apply. The venue's zone and hours are not part of it: they come from the
caller's base policy (`of_venue`).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from app.domain.errors import Conflict, ValidationError
from app.domain.money import format_fen
from app.domain.refunds import Holiday, RefundPolicy
from app.domain.timeline import iso_utc
from app.domain.venue import Venue
from app.services.journal import admin_log, changes
from app.store.db import read_transaction
from app.store.models import Setting

KEY = "refund_policy"  # the settings row, and the feed id of entity `policy`
FEED_ENTITY = "policy"
PAYMENT_METHODS = ("cash", "wechat", "alipay", "ota", "voucher")
METHOD_ZH = {"cash": "现金", "wechat": "微信支付", "alipay": "支付宝", "ota": "OTA",
             "voucher": "代金券"}
MAX_BP = 10000
MAX_LINE_FEN = 100_000_000_000  # ¥10 亿: a line above it is a typing slip
MAX_HOLIDAYS = 200


@dataclass(frozen=True)
class PolicyChange:
    """What an admin sends; a field left None keeps its value. `payment_fee_bp` names the
    methods to change (the others keep their rate); `holidays` is the whole new list."""

    holidays: Sequence[Holiday] | None = None
    dual_approval_fen: int | None = None
    payment_fee_bp: Mapping[str, int] | None = None


def of_venue(venue: Venue) -> RefundPolicy:
    """The code defaults in the venue's zone and hours (the base `in_force` fills in)."""
    return RefundPolicy(zone=venue.zone, opening=venue.opening, closing=venue.closing)


# -- the stored row <-> the domain policy ---------------------------------------------------

def _rates(raw: Mapping[str, Any]) -> dict[str, int]:
    return {m: int(raw.get(m, 0)) for m in PAYMENT_METHODS}


def policy_json(policy: RefundPolicy) -> dict[str, Any]:
    """The §15 body of a policy: `{holidays, dual_approval_fen, payment_fee_bp}` (every
    method listed, 0 for the ones without a fee)."""
    return {"holidays": [{"start": h.start.isoformat(), "end": h.end.isoformat(),
                          "same_day_fee_bp": h.same_day_fee_bp}
                         for h in sorted(policy.holidays, key=lambda h: h.start)],
            "dual_approval_fen": policy.dual_approval_fen,
            "payment_fee_bp": _rates(policy.payment_fee_bp)}


def _policy(value: Mapping[str, Any], base: RefundPolicy) -> RefundPolicy:
    holidays = tuple(Holiday(date.fromisoformat(h["start"]), date.fromisoformat(h["end"]),
                             int(h["same_day_fee_bp"])) for h in value.get("holidays") or [])
    return replace(base, holidays=holidays, dual_approval_fen=int(value["dual_approval_fen"]),
                   payment_fee_bp=_rates(value.get("payment_fee_bp") or {}))


def _row(session: Session, *, lock: bool = False) -> Setting | None:
    return session.get(Setting, KEY, with_for_update=lock or None, populate_existing=True)


def in_force(session: Session, base: RefundPolicy) -> RefundPolicy:
    """`base` (zone and hours) with the stored holidays, line and fees; `base` as it is when
    none are stored. Reads inside the caller's transaction."""
    row = _row(session)
    return stored(row.value if row is not None else None, base)


def stored(value: Mapping[str, Any] | None, base: RefundPolicy) -> RefundPolicy:
    """`in_force` of a `settings[refund_policy]` value the caller read itself (None: no row)."""
    return base if value is None else _policy(value, base)


def in_force_at(session: Session, base: RefundPolicy, at: datetime) -> RefundPolicy:
    """The policy that was in force at `at` (a window's offline refund, quoted by the store
    when its op arrives): the `before` of the first admin-log change after `at`, else the
    policy in force now."""
    later = admin_log.first_after(session, entity="refund_policy", key=KEY, at=at)
    if later is None or later.before is None:
        return in_force(session, base)
    return _policy(later.before, base)


# -- reading and setting (the store's admin API) --------------------------------------------

def _view(row: Setting | None) -> dict[str, Any]:
    if row is None:
        return policy_json(RefundPolicy()) | {"version": 0, "updated_at": None,
                                               "updated_by": None}
    v = row.value
    return policy_json(_policy(v, RefundPolicy())) | {
        "version": int(v.get("version", 0)), "updated_at": v.get("updated_at"),
        "updated_by": v.get("updated_by")}


def current(session: Session) -> dict[str, Any]:
    """GET /refund-policy: the §15 body plus `version` (0: the code defaults, never set),
    `updated_at`, `updated_by`."""
    with read_transaction(session):
        return _view(_row(session))


def set_policy(session: Session, change: PolicyChange, *, actor: str, now: datetime,
               expected_version: int | None = None) -> dict[str, Any]:
    """Replace the policy for every refund requested after it (PUT /refund-policy): checked
    first (`ValidationError` in Chinese; `Conflict` when `expected_version` is given and
    another change came first; nothing written), then in one transaction the row, the admin
    log (before → after) and the feed; the new policy as `current` shows it."""
    with session.begin():
        row = _row(session, lock=True)
        version = int(row.value.get("version", 0)) if row is not None else 0
        if expected_version is not None and expected_version != version:
            raise Conflict(f"退票政策已被他人修改（当前第 {version} 版），请刷新后再改",
                           field="version")
        before = _policy(row.value, RefundPolicy()) if row is not None else RefundPolicy()
        after = check(change, before)
        if policy_json(after) == policy_json(before):
            return _view(row)  # nothing changed: nothing written, nothing logged
        value = policy_json(after) | {"version": version + 1, "updated_at": iso_utc(now),
                                      "updated_by": actor}
        if row is None:
            row = Setting(key=KEY, value=value, updated_at=now)
            session.add(row)
        else:
            row.value, row.updated_at = value, now
        admin_log.record(session, actor=actor, entity="refund_policy", key=KEY,
                         action="update", before=policy_json(before),
                         after=policy_json(after), at=now)
        changes.touch(session, FEED_ENTITY, KEY, now=now)
        return _view(row)


def mirror(session: Session, value: Mapping[str, Any], version: int, *, now: datetime) -> bool:
    """A window keeps the store's policy from the feed (inside the caller's transaction); an
    older version than the kept one is skipped. True when written; a malformed copy raises
    (KeyError, TypeError, ValueError) before anything is written."""
    row = _row(session)
    if row is not None and int(row.value.get("version", 0)) > version:
        return False
    _policy(value, RefundPolicy())  # a malformed copy fails here, never in a quote
    kept = dict(value) | {"version": version}
    if row is None:
        session.add(Setting(key=KEY, value=kept, updated_at=now))
    else:
        row.value, row.updated_at = kept, now
    return True


# -- checking an admin's change --------------------------------------------------------------

def check(change: PolicyChange, before: RefundPolicy) -> RefundPolicy:
    """The policy `change` makes of `before`, or ValidationError naming the field."""
    holidays = before.holidays
    if change.holidays is not None:
        holidays = check_holidays(change.holidays)
    line = before.dual_approval_fen
    if change.dual_approval_fen is not None:
        line = _line(change.dual_approval_fen)
    rates = _rates(before.payment_fee_bp)
    if change.payment_fee_bp is not None:
        rates |= check_rates(change.payment_fee_bp)
    return replace(before, holidays=holidays, dual_approval_fen=line,
                   payment_fee_bp=rates)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _bp(value: Any, field: str, what: str) -> int:
    if not _is_int(value) or not 0 <= value <= MAX_BP:
        raise ValidationError(f"{what}必须是 0 到 {MAX_BP} 之间的整数基点（{MAX_BP} 即 100%）",
                              field=field)
    return int(value)


def _line(value: Any) -> int:
    if not _is_int(value) or value < 0:
        raise ValidationError("双人审批金额必须是不小于 0 的整数（单位：分）",
                              field="dual_approval_fen")
    if value > MAX_LINE_FEN:
        raise ValidationError(f"双人审批金额不能超过 {format_fen(MAX_LINE_FEN)}",
                              field="dual_approval_fen")
    return int(value)


def check_rates(rates: Mapping[str, Any]) -> dict[str, int]:
    """Payment-fee rates: known methods only, each 0–10000 bp."""
    out = {}
    for method, bp in rates.items():
        if method not in PAYMENT_METHODS:
            known = "、".join(f"{m}（{METHOD_ZH[m]}）" for m in PAYMENT_METHODS)
            raise ValidationError(f"未知的支付方式 {str(method)[:32]}，只能是 {known}",
                                  field=f"payment_fee_bp.{str(method)[:32]}")
        out[method] = _bp(bp, f"payment_fee_bp.{method}", f"{METHOD_ZH[method]}的通道手续费率")
    return out


def check_holidays(holidays: Sequence[Holiday]) -> tuple[Holiday, ...]:
    """Holidays: start ≤ end, a same-day rate of 0–10000 bp, no two overlapping; sorted."""
    if len(holidays) > MAX_HOLIDAYS:
        raise ValidationError(f"节假日最多 {MAX_HOLIDAYS} 段", field="holidays")
    for i, h in enumerate(holidays):
        if h.start > h.end:
            raise ValidationError(f"节假日 {h.start.isoformat()} 至 {h.end.isoformat()}："
                                  "结束日期不能早于开始日期", field=f"holidays.{i}.end")
        _bp(h.same_day_fee_bp, f"holidays.{i}.same_day_fee_bp", "节假日当日退票费率")
    ordered = sorted(holidays, key=lambda h: (h.start, h.end))
    for a, b in zip(ordered, ordered[1:], strict=False):
        if b.start <= a.end:
            raise ValidationError(
                f"节假日 {a.start.isoformat()} 至 {a.end.isoformat()} 与 "
                f"{b.start.isoformat()} 至 {b.end.isoformat()} 重叠，请合并或调整日期",
                field="holidays")
    return tuple(ordered)
