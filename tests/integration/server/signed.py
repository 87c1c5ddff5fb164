"""Webhook senders for the tests: a channel or a payment provider signing its raw body."""

import hashlib
import hmac
import json

import requests

SECRET = "test-webhook-secret"


def sign(body: bytes, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_signed(live, path: str, body=None, *, raw: bytes | None = None,
                secret: str = SECRET, signature: str | None = None,
                headers: dict[str, str] | None = None) -> requests.Response:
    """POST `body` (as JSON) or `raw` bytes, signed with `secret` unless `signature` is
    given ("" sends no signature header)."""
    data = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode()
    sig = sign(data, secret) if signature is None else signature
    head = {"Content-Type": "application/json"} | (headers or {})
    if sig:
        head["X-Menpiao-Signature"] = sig
    return requests.post(live.url(path), data=data, headers=head, timeout=20)
