"""Signed payment provider callbacks: POST /payments/{provider}/callback (DESIGN.md §8)."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from app.domain.money import MAX_FEN
from app.services.sales import payments

from ..deps import Db, Now
from ..fields import Instant, code_path, text
from ..webhooks import signed_body

router = APIRouter()

Fen = Annotated[int, Field(strict=True, ge=0, le=MAX_FEN)]
MAX_DEPTH = 8


def _plain_json(value: Any, depth: int = 0) -> Any:
    """`attach` is kept as evidence: any JSON, but no NUL (PostgreSQL JSONB refuses it) and
    not nested absurdly deep."""
    if depth > MAX_DEPTH:
        raise ValueError("attach 嵌套太深")
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("attach 含有不允许的字符")
    if isinstance(value, dict):
        for k, v in value.items():
            _plain_json(k, depth + 1)
            _plain_json(v, depth + 1)
    elif isinstance(value, list):
        for v in value:
            _plain_json(v, depth + 1)
    return value


class CallbackBody(BaseModel):
    """DESIGN.md §8 POST /payments/{provider}/callback."""

    model_config = ConfigDict(extra="forbid")

    provider_txn_id: text(64, min_length=1)
    order_no: text(64, min_length=1)
    amount_fen: Fen
    status: Literal["success", "failed"]
    paid_at: Instant
    attach: Annotated[Any, AfterValidator(_plain_json)] = None


# verified with the provider's own secret, else the shared one
SignedCallback = Annotated[CallbackBody,
                           Depends(signed_body(CallbackBody, sender="provider"))]


@router.post("/payments/{provider}/callback")
def payment_callback(provider: code_path(32), s: Db, now: Now,
                     body: SignedCallback
                     ) -> dict[str, bool]:
    """A provider's payment result, signed; `{ok: true}` once applied or when replayed
    (idempotent on provider_txn_id; the same id with other content → 422
    `idempotency_key_reused`). Money that settles no open order raises an anomaly."""
    payments.record_callback(s, payments.Callback(
        provider=provider, provider_txn_id=body.provider_txn_id, order_no=body.order_no,
        amount_fen=body.amount_fen, status=body.status, paid_at=body.paid_at,
        attach=body.attach), now=now)
    return {"ok": True}
