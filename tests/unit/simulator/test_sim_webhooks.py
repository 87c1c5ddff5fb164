"""Signing: the header is the HMAC-SHA256 of exactly the bytes that go on the wire."""

import hashlib
import hmac
import json

import pytest

from simulator.client import StoreClient, api_base
from simulator.webhooks import HEADER, canonical_body, sign, signed_headers


def test_signature_is_hex_hmac_sha256_of_the_raw_body():
    body = '{"order_no":"MP-1","客户":"张三"}'.encode()
    expected = hmac.new(b"demo-secret", body, hashlib.sha256).hexdigest()
    assert sign("demo-secret", body) == expected
    assert signed_headers("demo-secret", body) == {"Content-Type": "application/json",
                                                    HEADER: expected}
    assert sign("other", body) != expected


def test_canonical_body_is_sorted_compact_utf8():
    raw = canonical_body({"b": 1, "a": {"name": "王芳", "z": [1, 2]}})
    assert raw == '{"a":{"name":"王芳","z":[1,2]},"b":1}'.encode()
    assert canonical_body({"a": {"z": [1, 2], "name": "王芳"}, "b": 1}) == raw
    assert json.loads(raw) == {"b": 1, "a": {"name": "王芳", "z": [1, 2]}}


class _Capture:
    def __init__(self):
        self.calls = []

    def post(self, url, **kwargs):
        self.calls.append((url, kwargs))
        return _Answer()


class _Answer:
    status_code = 200

    def json(self):
        return {"ok": True}


def test_client_sends_the_signed_bytes_unchanged():
    http = _Capture()
    client = StoreClient("http://127.0.0.1:8600", "s3cret", session=http)
    reply = client.post_signed("/payments/wechat/callback", {"order_no": "MP-1", "amount_fen": 1})
    assert reply.ok and reply.body == {"ok": True}
    url, kwargs = http.calls[0]
    assert url == "http://127.0.0.1:8600/api/v1/payments/wechat/callback"
    assert kwargs["headers"][HEADER] == hmac.new(b"s3cret", kwargs["data"],
                                                 hashlib.sha256).hexdigest()
    assert json.loads(kwargs["data"]) == {"order_no": "MP-1", "amount_fen": 1}


@pytest.mark.parametrize("url", ["http://h:8600", "http://h:8600/", "http://h:8600/api/v1",
                                 "http://h:8600/api/v1/", " http://h:8600 ", "h:8600"])
def test_store_url_with_or_without_api_prefix(url):
    assert api_base(url) == "http://h:8600/api/v1"
