"""The payment provider's refund call (DESIGN.md §5, routing by payment method): the interface
a real WeChat Pay / Alipay adapter implements, and a sandbox with failure injection for tests
and the demo store (deterministic, no network)."""

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class ProviderAnswer:
    """The provider's answer to one refund call: `ok` with its own refund id, or the error
    text it gave (kept in `refunds.last_error`)."""

    ok: bool
    provider_refund_id: str | None = None
    error: str | None = None


class RefundProvider(Protocol):
    """Refund `amount_fen` of the payment `provider_txn_id` back by the original route.

    `refund_no` is our refund number, sent as the provider's idempotency key
    (`out_refund_no`): calling again with the same number after an unknown outcome must not
    pay twice. An adapter may raise on a network failure; the caller counts that as a failed
    attempt."""

    def refund(self, *, provider_txn_id: str | None, refund_no: str,
               amount_fen: int) -> ProviderAnswer: ...


# A payment whose provider transaction id contains this is refused by the sandbox every
# time: how a simulator (or a tester) reaches `refund_failed` over HTTP alone.
FAILING_TXN_MARK = "SBXFAIL"


class SandboxProvider:
    """Always pays out, except: the first `fail_times[refund_no]` calls for a refund fail, with
    `fail_all` every call fails, and so does every call for a payment whose transaction id
    contains `fail_mark` (default `FAILING_TXN_MARK`; None: off). A repeated successful call
    returns the same refund id."""

    def __init__(self, fail_times: Mapping[str, int] | None = None, *,
                 fail_all: bool = False, fail_mark: str | None = FAILING_TXN_MARK) -> None:
        self._left = dict(fail_times or {})
        self.fail_all = fail_all
        self.fail_mark = fail_mark
        self.calls: list[tuple[str | None, str, int]] = []
        self._paid: dict[str, str] = {}
        self._lock = threading.Lock()

    def refund(self, *, provider_txn_id: str | None, refund_no: str,
               amount_fen: int) -> ProviderAnswer:
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
