"""Signing webhooks like a channel or payment provider does (DESIGN.md §8):
`X-Menpiao-Signature: hex(HMAC-SHA256(secret, raw body))`.

The signature covers the exact bytes sent, so the body is serialised once, canonically, and
those same bytes go on the wire (a re-serialised body would not match)."""

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

HEADER = "X-Menpiao-Signature"


def canonical_body(payload: Mapping[str, Any]) -> bytes:
    """UTF-8 JSON with sorted keys and no spaces: the same payload, the same bytes."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def sign(secret: str, body: bytes) -> str:
    """Lower-case hex HMAC-SHA256 of the raw body."""
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body: bytes) -> dict[str, str]:
    """The headers of a signed JSON webhook carrying `body`."""
    return {"Content-Type": "application/json", HEADER: sign(secret, body)}
