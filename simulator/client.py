"""The simulator's HTTP side: signed webhooks and gate calls to a central store, each answer
reduced to a `Reply` (status + JSON). A store that cannot be reached raises `Unreachable`;
an HTTP error status never raises: the runner counts it and goes on."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import requests

from .webhooks import canonical_body, signed_headers

API = "/api/v1"
TIMEOUT = 10.0


class Unreachable(Exception):
    """Connection refused, reset or timed out: the store is down or too slow."""


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any = field(default=None)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def error_code(self) -> str | None:
        if isinstance(self.body, dict) and isinstance(self.body.get("error"), dict):
            return self.body["error"].get("code")
        return None


class Transport(Protocol):
    """What the runner needs from a store (a fake one in unit tests)."""

    def post_signed(self, path: str, payload: Mapping[str, Any]) -> Reply: ...

    def login(self, username: str, password: str, device_id: str | None,
              device_secret: str | None = None) -> Reply: ...

    def post_as(self, token: str, path: str, payload: Mapping[str, Any],
                headers: Mapping[str, str] | None = None) -> Reply: ...

    def put_as(self, token: str, path: str, payload: Mapping[str, Any]) -> Reply: ...

    def get_as(self, token: str, path: str) -> Reply: ...


def api_base(url: str) -> str:
    """`http://host:8600`, `http://host:8600/`, `http://host:8600/api/v1` or `host:8600` →
    the API base."""
    url = url.strip().rstrip("/")
    if "://" not in url:
        url = "http://" + url
    return url if url.endswith(API) else url + API


class StoreClient:
    """Requests to one store over a keep-alive session; `secret` signs the webhooks."""

    def __init__(self, base_url: str, secret: str, *, timeout: float = TIMEOUT,
                 session: requests.Session | None = None) -> None:
        self.base = api_base(base_url)
        self._secret = secret
        self._timeout = timeout
        self._http = session or requests.Session()

    def post_signed(self, path: str, payload: Mapping[str, Any]) -> Reply:
        body = canonical_body(payload)
        return self._post(path, data=body, headers=signed_headers(self._secret, body))

    def login(self, username: str, password: str, device_id: str | None,
              device_secret: str | None = None) -> Reply:
        body = {"username": username, "password": password, "device_id": device_id,
                "device_secret": device_secret}
        return self._post("/auth/login", json={k: v for k, v in body.items() if v is not None})

    def post_as(self, token: str, path: str, payload: Mapping[str, Any],
                headers: Mapping[str, str] | None = None) -> Reply:
        return self._post(path, json=dict(payload),
                          headers={"Authorization": f"Bearer {token}"} | dict(headers or {}))

    def put_as(self, token: str, path: str, payload: Mapping[str, Any]) -> Reply:
        return self._send("put", path, json=dict(payload),
                          headers={"Authorization": f"Bearer {token}"})

    def get_as(self, token: str, path: str) -> Reply:
        return self._send("get", path, headers={"Authorization": f"Bearer {token}"})

    def close(self) -> None:
        self._http.close()

    def _post(self, path: str, **kwargs: Any) -> Reply:
        return self._send("post", path, **kwargs)

    def _send(self, method: str, path: str, **kwargs: Any) -> Reply:
        try:
            r = getattr(self._http, method)(self.base + path, timeout=self._timeout, **kwargs)
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise Unreachable(str(exc)) from exc
        try:
            body = r.json()
        except ValueError:
            body = r.text
        return Reply(r.status_code, body)


def _token_of(login: Reply) -> str | None:
    ok = login.ok and isinstance(login.body, dict) and "token" in login.body
    return login.body["token"] if ok else None


class StaffLogin:
    """One staff account signed in from one device (a window's clerk) or none (the admin): the
    token is made on first use and made again once when the store no longer takes it. A
    device without a secret yet is registered first through `enroll` (DESIGN.md §14), which
    answers the store's reply to POST /devices."""

    def __init__(self, client: Transport, username: str, password: str,
                 device_id: str | None = None, *,
                 enroll: Callable[[], Reply] | None = None) -> None:
        self._client = client
        self._user = (username, password)
        self.device_id = device_id
        self._enroll, self._secret = enroll, None
        self._token: str | None = None

    def _login(self) -> Reply:
        if self._enroll is not None and self._secret is None:
            registered = self._enroll()
            if not registered.ok:
                return registered
            self._secret = registered.body["device_secret"]
        return self._client.login(*self._user, self.device_id, self._secret)

    def post(self, path: str, payload: Mapping[str, Any],
             headers: Mapping[str, str] | None = None) -> Reply:
        return self._call(lambda token: self._client.post_as(token, path, payload, headers))

    def put(self, path: str, payload: Mapping[str, Any]) -> Reply:
        return self._call(lambda token: self._client.put_as(token, path, payload))

    def get(self, path: str) -> Reply:
        return self._call(lambda token: self._client.get_as(token, path))

    def _call(self, send: Any) -> Reply:
        for _ in range(2):
            if self._token is None:
                login = self._login()
                self._token = _token_of(login)
                if self._token is None:
                    return login
            reply = send(self._token)
            if reply.status != 401:
                return reply
            self._token = None
        return reply


class GateLogins:
    """Gate devices signed in as one gate user: a bearer token per device id, made on first
    use and made again once when the store no longer takes it (401). Each gate signs in with
    its device secret: `secrets[device_id]`, else the demo stores' (the device id)."""

    def __init__(self, client: Transport, username: str, password: str,
                 secrets: Mapping[str, str] | None = None) -> None:
        self._client = client
        self._user = (username, password)
        self._secrets = dict(secrets or {})
        self._tokens: dict[str, str] = {}

    def scan(self, device_id: str, body: Mapping[str, Any]) -> Reply:
        """POST /redemptions as `device_id`; a refused login's reply is returned instead."""
        reply = self._as(device_id, body)
        if reply.status == 401:
            self._tokens.pop(device_id, None)
            reply = self._as(device_id, body)
        return reply

    def _as(self, device_id: str, body: Mapping[str, Any]) -> Reply:
        if device_id not in self._tokens:
            login = self._client.login(*self._user, device_id,
                                       self._secrets.get(device_id, device_id))
            token = _token_of(login)
            if token is None:
                return login
            self._tokens[device_id] = token
        return self._client.post_as(self._tokens[device_id], "/redemptions", body)
