"""The payment provider's calls (DESIGN.md §5 routing by payment method, §6 fixes): the
interface a real WeChat Pay / Alipay adapter implements, and a sandbox with failure injection
for tests and the demo store (deterministic, no network).

Two calls: `refund` (pay money of a payment back by the original route: a ticket refund, a
duplicate payment, a payment that has no order) and `query_payment` (what the provider knows
of a payment: the `query_payment` anomaly fix)."""

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class ProviderAnswer:
    """The provider's answer to one refund call: `ok` with its own refund id, or the error
    text it gave (kept in `refunds.last_error`)."""

    ok: bool
    provider_refund_id: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class PaymentQuery:
    """What the provider knows of a payment: `status` is `success` (paid, `amount_fen` at
    `paid_at`, transaction `provider_txn_id`), `failed`, `pending` (the payer has not
    finished) or `not_found`; `error` is set when the query itself failed."""

    status: str
    provider_txn_id: str | None = None
    amount_fen: int = 0
    paid_at: datetime | None = None
    error: str | None = None


class RefundProvider(Protocol):
    """The payment providers (WeChat Pay, Alipay) as the store calls them.

    `refund`: pay `amount_fen` of the payment `provider_txn_id` back by the original route.
    `refund_no` is our refund number, sent as the provider's idempotency key
    (`out_refund_no`): calling again with the same number after an unknown outcome must not
    pay twice. It also refunds a payment that has no order (the transaction is enough);
    `provider` names the provider (`wechat`, `alipay`) when the caller knows it.

    `query_payment`: the provider's record of the payment with transaction
    `provider_txn_id`, or (no transaction known) of our order `order_no` (`out_trade_no`).

    An adapter may raise on a network failure; callers count that as a failed call."""

    def refund(self, *, provider_txn_id: str | None, refund_no: str, amount_fen: int,
               provider: str | None = None) -> ProviderAnswer: ...

    def query_payment(self, *, provider: str, order_no: str | None,
                      provider_txn_id: str | None) -> PaymentQuery: ...


# A payment whose provider transaction id contains this is refused by the sandbox every
# time: how a simulator (or a tester) reaches `refund_failed` over HTTP alone.
FAILING_TXN_MARK = "SBXFAIL"


class SandboxProvider:
    """Refunds always pay out, except: the first `fail_times[refund_no]` calls for a refund
    fail, with `fail_all` every call fails, and so does every call for a payment whose
    transaction id contains `fail_mark` (default `FAILING_TXN_MARK`; None: off). A repeated
    successful call returns the same refund id. Queries answer what `payments` (keyed by
    transaction id or order_no, also set later with `set_payment`) says, else `not_found`;
    `query_down` makes them fail."""

    def __init__(self, fail_times: Mapping[str, int] | None = None, *,
                 fail_all: bool = False, fail_mark: str | None = FAILING_TXN_MARK,
                 payments: Mapping[str, PaymentQuery] | None = None) -> None:
        self._left = dict(fail_times or {})
        self.fail_all = fail_all
        self.fail_mark = fail_mark
        self.query_down = False
        self.calls: list[tuple[str | None, str, int]] = []
        self.queries: list[tuple[str, str | None, str | None]] = []
        self._paid: dict[str, str] = {}
        self._payments = dict(payments or {})
        self._lock = threading.Lock()

    def refund(self, *, provider_txn_id: str | None, refund_no: str, amount_fen: int,
               provider: str | None = None) -> ProviderAnswer:
        del provider  # one sandbox plays every provider
        with self._lock:
            self.calls.append((provider_txn_id, refund_no, amount_fen))
            if amount_fen < 0:
                return ProviderAnswer(False, error="退款金额无效")
            if self.fail_all:
                return ProviderAnswer(False, error="沙箱：支付渠道暂不可用")
            if self.fail_mark and self.fail_mark in (provider_txn_id or ""):
                return ProviderAnswer(False, error="沙箱：原支付交易已关闭，无法原路退回")
            left = self._left.get(refund_no, 0)
            if left > 0:
                self._left[refund_no] = left - 1
                return ProviderAnswer(False, error="沙箱：支付渠道返回系统繁忙")
            refund_id = self._paid.setdefault(refund_no, f"SBX-{refund_no}")
            return ProviderAnswer(True, provider_refund_id=refund_id)

    def set_payment(self, key: str, answer: PaymentQuery) -> None:
        """What a query of transaction (or order_no) `key` answers from now on."""
        with self._lock:
            self._payments[key] = answer

    def query_payment(self, *, provider: str, order_no: str | None,
                      provider_txn_id: str | None) -> PaymentQuery:
        with self._lock:
            self.queries.append((provider, order_no, provider_txn_id))
            if self.query_down:
                return PaymentQuery("unknown", error="沙箱：支付渠道查询超时")
            for key in (provider_txn_id, order_no):
                if key is not None and key in self._payments:
                    return self._payments[key]
            return PaymentQuery("not_found")
