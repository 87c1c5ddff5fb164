"""What the simulated outside world sends: visitors, parties, channel order bodies, payment
callbacks and gate redemptions, and the weighted mix of actions. Pure functions of a seeded
`random.Random` and the time they are given; no I/O."""

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from app.domain.venue import Venue

# DESIGN.md §8 demo prices (fen); a store with other prices only sees other amounts.
LIST_PRICES: Mapping[str, int] = {"ADULT": 10000, "CHILD": 5000, "FAMILY": 13000}
OTA_CHANNELS = ("ota_ctrip", "ota_meituan")
OWN_CHANNELS = ("miniprogram", "website")
PROVIDERS = ("wechat", "alipay")
GATES = ("gate-1", "gate-2")

# Actions per step. A scenic area's traffic: about a third OTA orders, a quarter our own
# channels, the rest people walking through the gates.
NORMAL_MIX: Mapping[str, int] = {"ota_order": 34, "own_order": 26, "redeem": 40}
# With faults on, one step in four or so goes wrong somewhere.
FAULT_MIX: Mapping[str, int] = {"paid_no_order": 3, "duplicate_redemption": 4,
                                "repeated_nonce": 3, "offline_batch": 4, "failed_redemption": 3,
                                "payment_failure": 2, "left_paying": 2, "duplicate_payment": 1,
                                "refund_left_waiting": 1, "refund_provider_fails": 1,
                                "refund_crosses_redemption": 2, "oversold": 1,
                                "stock_not_deducted": 1, "refund_not_restored": 1}
# `--faults` starts with one of each (and of `price_mismatch`, `refund_mismatch`: a window's
# money against the store's, DESIGN.md §14, not in the random mix), so every anomaly kind of DESIGN.md §6 is on its way
# after the first steps (the time-based ones show once the store's sweep finds them old).
OPENING_FAULTS = ("paid_no_order", "payment_failure", "left_paying", "duplicate_payment",
                  "failed_redemption", "duplicate_redemption", "refund_crosses_redemption",
                  "refund_left_waiting", "refund_provider_fails", "oversold",
                  "stock_not_deducted", "refund_not_restored", "price_mismatch",
                  "refund_mismatch")
# The embedded default: a few at start, then a handful an hour (at 0.1 steps/s, a fault
# weight of 1.4 against the normal 100 is about 5 an hour).
GENTLE_OPENING = ("paid_no_order", "payment_failure", "left_paying", "refund_left_waiting")
GENTLE_FAULT_WEIGHT = 1.4
# The store's sandbox refund provider refuses refunds of payments whose transaction id
# carries this (app.services.refunds.refund_providers.FAILING_TXN_MARK).
SANDBOX_FAIL_MARK = "SBXFAIL"
# What becomes of an own-channel order's payment callback.
CALLBACK_FATES: Mapping[str, int] = {"normal": 66, "lost": 7, "late": 7, "duplicate_callback": 10,
                                     "duplicate_payment": 10}

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志红文辉鹏飞宇浩然欣怡子涵梓萱"
_PHONE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151",
                   "152", "157", "158", "159", "166", "177", "180", "181", "186", "187", "188",
                   "189", "191", "198", "199")
_FAILED_REASONS = ("二维码污损，闸机无法识别", "闸机读头故障", "人脸比对不一致", "闸机网络超时")
_DIGITS36 = "0123456789abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Party:
    """Who comes: sale lines and what the channel charged."""

    lines: tuple[tuple[str, int], ...]
    list_fen: int
    amount_fen: int


def pick(rng: random.Random, weights: Mapping[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def action_mix(faults: bool, *, gentle: bool = False) -> dict[str, float]:
    """Weights of the actions of a step: normal traffic, plus all faults (`faults`), or the
    faults scaled down to `GENTLE_FAULT_WEIGHT` in all (`gentle`)."""
    mix: dict[str, float] = dict(NORMAL_MIX)
    if faults:
        return mix | dict(FAULT_MIX)
    if gentle:
        total = sum(FAULT_MIX.values())
        return mix | {k: w * GENTLE_FAULT_WEIGHT / total for k, w in FAULT_MIX.items()}
    return mix


def run_tag(rng: random.Random, now: datetime) -> str:
    """A short tag that keeps ids of this run apart from earlier runs on the same store."""
    n = int(now.timestamp())
    stamp = ""
    while n:
        n, d = divmod(n, 36)
        stamp = _DIGITS36[d] + stamp
    return stamp[-6:] + "".join(rng.choice(_DIGITS36) for _ in range(2))


def customer(rng: random.Random) -> dict[str, str]:
    given = "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2))))
    phone = rng.choice(_PHONE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))
    return {"name": rng.choice(_SURNAMES) + given, "phone": phone}


def party(rng: random.Random, prices: Mapping[str, int] = LIST_PRICES, *,
          discount: bool = False) -> Party:
    """1-4 persons: a family package or some adults with children; OTAs often sell a few
    percent under the list price, rounded to the yuan."""
    persons = rng.choices((1, 2, 3, 4), weights=(25, 40, 20, 15))[0]
    if persons >= 2 and rng.random() < 0.25:
        lines = [("FAMILY", 1)] + ([("ADULT", persons - 2)] if persons > 2 else [])
    else:
        children = rng.randint(0, persons - 1) if persons > 1 and rng.random() < 0.4 else 0
        lines = [("ADULT", persons - children)] + ([("CHILD", children)] if children else [])
    list_fen = sum(prices[code] * qty for code, qty in lines)
    amount = list_fen
    if discount and rng.random() < 0.4:
        amount = list_fen - (list_fen * rng.randint(2, 8) // 100) // 100 * 100
    return Party(tuple(lines), list_fen, amount)


def visit_date(rng: random.Random, now: datetime, venue: Venue) -> date:
    """Today to three days ahead, today most often; tomorrow on once the gates have closed."""
    today = venue.local_date(now)
    offset = rng.choices((0, 1, 2, 3), weights=(50, 25, 15, 10))[0]
    if offset == 0 and now >= venue.closing_at(today):
        offset = 1
    return today + timedelta(days=offset)


def iso_utc(at: datetime) -> str:
    """ISO-8601 in UTC with `Z`, as providers and gates send it."""
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def channel_order(external_id: str, day: date, p: Party, who: Mapping[str, str], *,
                  paid: bool) -> dict[str, Any]:
    """The body of POST /channels/{channel}/orders."""
    return {"external_id": external_id, "visit_date": day.isoformat(),
            "lines": [{"ticket_type": code, "qty": qty} for code, qty in p.lines],
            "customer": dict(who), "amount_fen": p.amount_fen, "paid": paid}


def callback(txn_id: str, order_no: str, amount_fen: int, paid_at: datetime, *,
             status: str = "success", attach: Any = None) -> dict[str, Any]:
    """The body of POST /payments/{provider}/callback."""
    body: dict[str, Any] = {"provider_txn_id": txn_id, "order_no": order_no,
                            "amount_fen": amount_fen, "status": status,
                            "paid_at": iso_utc(paid_at)}
    if attach is not None:
        body["attach"] = attach
    return body


def attach_for(channel: str, order: Mapping[str, Any]) -> dict[str, Any]:
    """What a provider echoes back from the order it was paid for, so a payment that finds
    no order can be turned into one (the `backfill_order` fix)."""
    return {"channel": channel} | {k: order[k] for k in
                                   ("external_id", "visit_date", "lines", "customer",
                                    "amount_fen")}


def redemption(nonce: str, code: str, device_id: str, at: datetime, *,
               failed_reason: str | None = None) -> dict[str, Any]:
    """The body of POST /redemptions."""
    body: dict[str, Any] = {"nonce": nonce, "ticket_code": code, "device_id": device_id,
                            "at": iso_utc(at)}
    if failed_reason is not None:
        body |= {"result": "failed", "reason": failed_reason}
    return body


def failed_reason(rng: random.Random) -> str:
    return rng.choice(_FAILED_REASONS)


def callback_delay(rng: random.Random, fate: str) -> timedelta:
    """When the provider's callback comes: most visitors pay within a minute or two; a late
    one comes 10-25 minutes on, often after the store has expired the order (15 min)."""
    if fate == "late":
        return timedelta(seconds=rng.randint(600, 1500))
    return timedelta(seconds=rng.randint(5, 120))


def other_gate(device_id: str, gates: Sequence[str] = GATES) -> str:
    return next(g for g in gates if g != device_id)
