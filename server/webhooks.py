"""Signed webhooks from channels and payment providers (DESIGN.md §8):
`X-Menpiao-Signature: hex(HMAC-SHA256(secret, raw body))`.

The signature is checked on the raw bytes before anything is parsed: a forged or unsigned
request is refused with 401 `bad_signature` and never reaches JSON parsing or the database.
Each sender may have its own secret, env `MENPIAO_WEBHOOK_SECRET_<SENDER>` (the channel or
provider of the path upper-cased, e.g. `_OTA_CTRIP`, `_WECHAT`): a body signed with another
sender's secret is refused. A sender without one falls back to the shared secret: the app's
`webhook_secret`, else env `MENPIAO_WEBHOOK_SECRET`; with none, every webhook is refused."""

import hashlib
import hmac
import os
import re
from collections.abc import Awaitable, Callable
from typing import TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from pydantic import ValidationError as PydanticError

from app.domain.errors import DomainError

HEADER = "X-Menpiao-Signature"
ENV_SECRET = "MENPIAO_WEBHOOK_SECRET"
MAX_BODY = 64 * 1024  # a webhook is a few hundred bytes; refuse anything absurd unparsed

M = TypeVar("M", bound=BaseModel)


class BadSignature(DomainError):
    code = "bad_signature"


def sign(secret: str, body: bytes) -> str:
    """The signature a sender puts in the header."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str | None, body: bytes, signature: str | None) -> None:
    """BadSignature unless `signature` is the HMAC of `body` under a configured secret."""
    if not secret:
        raise BadSignature("服务器未配置 webhook 签名密钥，拒绝所有回调")
    if not signature:
        raise BadSignature(f"缺少签名（{HEADER} 请求头）")
    given = signature.strip().lower().encode("latin-1", "replace")
    if not hmac.compare_digest(sign(secret, body).encode(), given):
        raise BadSignature("签名不正确，请求已拒绝")


def sender_env(sender: str) -> str:
    """The env variable of one sender's own secret: `ota_ctrip` → `…_SECRET_OTA_CTRIP`."""
    return f"{ENV_SECRET}_{re.sub(r'[^A-Z0-9]', '_', sender.upper())}"


def secret_of(request: Request, sender: str | None = None) -> str | None:
    """The sender's own secret when it has one, else the shared one."""
    own = os.environ.get(sender_env(sender)) if sender else None
    return own or request.app.state.webhook_secret or os.environ.get(ENV_SECRET) or None


async def _read(request: Request) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise DomainError(f"请求体太大（最多 {MAX_BODY // 1024} KB）", code="validation_error")
        chunks.append(chunk)
    return b"".join(chunks)


def signed_body(model: type[M], *, sender: str | None = None
                ) -> Callable[[Request], Awaitable[M]]:
    """A dependency: verify the signature of the raw body with the secret of the sender named
    by the path parameter `sender` (None: the shared secret), then parse it as `model` (malformed JSON or a wrong field
    → 422 `validation_error`)."""

    async def parse(request: Request) -> M:
        body = await _read(request)
        verify(secret_of(request, request.path_params.get(sender) if sender else None), body,
               request.headers.get(HEADER))
        try:
            return model.model_validate_json(body)
        except PydanticError as exc:
            raise RequestValidationError(
                [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]) from None

    return parse
