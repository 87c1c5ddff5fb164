"""The webhook signature: HMAC-SHA256 of the raw body, compared in constant time, and the
secret's sources (the app's argument first, then the environment; none refuses all)."""

import hashlib
import hmac
from typing import Annotated

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel

from app.domain.errors import DomainError
from server.errors import install_error_handlers
from server.webhooks import BadSignature, signed_body, verify
from server.webhooks import sign as sign_body


def test_sign_is_hex_hmac_sha256_of_the_raw_body():
    body = '{"a":"门票"}'.encode()
    assert sign_body("s", body) == hmac.new(b"s", body, hashlib.sha256).hexdigest()


@pytest.mark.parametrize(("secret", "signature"), [
    (None, "x"), ("", "x"), ("s", None), ("s", ""), ("s", "0" * 64), ("s", "é" * 64),
    ("s", "not hex"),
])
def test_verify_refuses(secret, signature):
    with pytest.raises(BadSignature) as caught:
        verify(secret, b"{}", signature)
    assert caught.value.code == "bad_signature"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in caught.value.message)


def test_verify_accepts_the_right_signature_in_any_case_and_spacing():
    sig = sign_body("s", b"{}")
    verify("s", b"{}", sig)
    verify("s", b"{}", f" {sig.upper()} ")
    with pytest.raises(BadSignature):
        verify("s", b"{} ", sig)  # one byte more: another body


class Body(BaseModel):
    n: int


def _client(secret):
    app = FastAPI()
    app.state.webhook_secret = secret
    install_error_handlers(app)

    @app.post("/hook")
    def hook(body: Annotated[Body, Depends(signed_body(Body))]) -> dict:
        return {"n": body.n}

    return TestClient(app)


def _post(client, raw, secret):
    return client.post("/hook", content=raw, headers={
        "X-Menpiao-Signature": sign_body(secret, raw), "Content-Type": "application/json"})


def test_the_app_secret_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("MENPIAO_WEBHOOK_SECRET", "env")
    client = _client("arg")
    assert _post(client, b'{"n": 1}', "arg").json() == {"n": 1}
    assert _post(client, b'{"n": 1}', "env").status_code == 401


def test_the_environment_is_used_without_an_app_secret(monkeypatch):
    monkeypatch.setenv("MENPIAO_WEBHOOK_SECRET", "env")
    assert _post(_client(None), b'{"n": 2}', "env").json() == {"n": 2}


def test_no_secret_anywhere_refuses_everything(monkeypatch):
    monkeypatch.delenv("MENPIAO_WEBHOOK_SECRET", raising=False)
    r = _post(_client(None), b'{"n": 2}', "")
    assert r.status_code == 401 and r.json()["error"]["code"] == "bad_signature"


def test_signed_garbage_is_a_422_and_oversized_bodies_are_refused(monkeypatch):
    monkeypatch.delenv("MENPIAO_WEBHOOK_SECRET", raising=False)
    client = _client("k")
    assert _post(client, b'{"n": ', "k").json()["error"]["code"] == "validation_error"
    assert _post(client, b'{"n": "x"}', "k").status_code == 422
    big = b'{"n": 1, "pad": "' + b"x" * 70_000 + b'"}'
    r = _post(client, big, "k")
    assert r.status_code == 422 and r.json()["error"]["code"] == "validation_error"


def test_bad_signature_is_a_domain_error():
    assert issubclass(BadSignature, DomainError)
