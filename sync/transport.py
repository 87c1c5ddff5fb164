"""HTTP client of the central store (DESIGN.md §8, §9) for the sync engine.

Every failure is one of two errors, so the engine knows what to do with an op:
`TransientError` (timeout, connection error, 5xx, 429: keep the op and retry) and
`PermanentError` (any other 4xx, carrying the §8 error code and message: the op is refused).
A 401 `unauthorized` (the 12-hour token ran out) logs in again once with the kept credentials.

The device clock's offset from the store is estimated from the `Date` header of every response,
against the midpoint of the request, and flagged beyond five minutes (DESIGN.md §9).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import requests

from sync.store_admin import AdminEndpoints
from sync.store_admin import seg as _seg
from sync.store_reports import ReportEndpoints

log = logging.getLogger(__name__)

SKEW_LIMIT_S = 300.0
DOWNLOAD_CHUNK = 64 * 1024
DOWNLOAD_WAIT_S = 300.0  # an export of 100k orders is written before its first byte
LONG_POLL_MARGIN_S = 10.0


class TransientError(Exception):
    """The request may succeed later: timeout, connection error, 5xx or 429."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status  # None: the store was not reached (or the answer was lost)


class DownloadCancelled(Exception):
    """The user cancelled a download; the partial file is gone."""


@dataclass(frozen=True)
class Download:
    """A finished download: where, how many bytes, and the data rows the store announced
    (`X-Rows`; None when it did not)."""

    path: Path
    size: int
    rows: int | None


def _int_header(response: requests.Response, name: str) -> int | None:
    try:
        return int(response.headers[name])
    except (KeyError, ValueError):
        return None


class PermanentError(Exception):
    """The store refused the request (a 4xx other than 429); sending it again will not help."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _error_of(response: requests.Response) -> tuple[str, str]:
    """(code, message) of a §8 error body; a generic pair when the body is not one."""
    try:
        error = response.json()["error"]
        return str(error["code"]), str(error["message"])
    except (ValueError, KeyError, TypeError):
        # not the store's §8 answer (a proxy's page, a crash): say so in Chinese, never the
        # HTTP reason phrase ("Bad Gateway") to a clerk
        return (f"http_{response.status_code}",
                f"中心服务器返回了无法识别的应答（HTTP {response.status_code}）")


def api_base(url: str) -> str:
    """`http://host:8600` or `http://host:8600/api/v1` → the API base."""
    url = url.rstrip("/")
    return url if url.endswith("/api/v1") else url + "/api/v1"


class StoreClient(AdminEndpoints, ReportEndpoints):
    """One device's connection to the store. Thread-safe enough for the engine's two threads
    (requests sessions are; the token is swapped under a lock)."""

    def __init__(self, base_url: str, *, timeout: float = 10,
                 session: requests.Session | None = None,
                 clock: Callable[[], datetime] = _utc_now) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._http = session or requests.Session()
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._credentials: dict[str, Any] | None = None
        self._offset: float | None = None

    # -- clock --------------------------------------------------------------------------

    @property
    def clock_offset(self) -> float:
        """Seconds to add to the device clock to get the store's (0 until a response came)."""
        return self._offset or 0.0

    @property
    def clock_skewed(self) -> bool:
        return abs(self.clock_offset) > SKEW_LIMIT_S

    def _note_date(self, response: requests.Response, sent: datetime, received: datetime) -> None:
        header = response.headers.get("Date")
        if not header:
            return
        try:
            server = parsedate_to_datetime(header)
        except (TypeError, ValueError):
            return
        if server.tzinfo is None:
            return
        midpoint = sent + (received - sent) / 2
        self._offset = (server - midpoint).total_seconds()

    # -- requests -----------------------------------------------------------------------

    @property
    def logged_in(self) -> bool:
        return self._token is not None

    def _send(self, method: str, path: str, *, json: Any = None,
              params: Mapping[str, Any] | None = None,
              timeout: float | tuple[float, float] | None = None, auth: bool = True,
              headers: Mapping[str, str] | None = None, stream: bool = False
              ) -> requests.Response:
        headers = dict(headers or {})
        if auth and self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        sent = self._clock()
        try:
            response = self._http.request(method, self.base_url + path, json=json, params=params,
                                          headers=headers, timeout=timeout or self.timeout,
                                          stream=stream)
        except requests.Timeout as exc:
            raise TransientError(f"请求超时：{path}") from exc
        except requests.RequestException as exc:  # connection refused, reset, cut mid-body
            raise TransientError(f"无法连接中心服务器：{type(exc).__name__}") from exc
        self._note_date(response, sent, self._clock())
        return response

    def _request(self, method: str, path: str, *, json: Any = None,
                 params: Mapping[str, Any] | None = None, timeout: float | None = None,
                 auth: bool = True, headers: Mapping[str, str] | None = None) -> Any:
        if auth and self._token is None and self._credentials is not None:
            self._login(self._credentials)  # remembered, not yet signed in
        response = self._send(method, path, json=json, params=params, timeout=timeout, auth=auth,
                              headers=headers)
        if response.status_code == 401 and auth and self._credentials is not None:
            code, _ = _error_of(response)
            if code == "unauthorized":
                log.info("token refused; logging in again")
                self._login(self._credentials)
                response = self._send(method, path, json=json, params=params, timeout=timeout,
                                      headers=headers)
        return self._result(response, path)

    def _result(self, response: requests.Response, path: str) -> Any:
        status = response.status_code
        if status >= 500 or status == 429:
            _, message = _error_of(response)
            raise TransientError(f"中心服务器暂时不可用（{status}）：{message}", status)
        if status >= 400:
            raise PermanentError(status, *_error_of(response))
        try:
            return response.json()
        except ValueError as exc:  # a cut or garbled body: the answer was lost on the way
            raise TransientError(f"应答不完整：{path}", status) from exc

    # -- the API ------------------------------------------------------------------------

    def _login(self, credentials: dict[str, Any]) -> dict[str, Any]:
        body = self._request("POST", "/auth/login", json=credentials, auth=False)
        with self._lock:
            self._token = body["token"]
        return body

    @staticmethod
    def _credentials_of(username: str, password: str, device_id: str | None,
                        device_secret: str | None) -> dict[str, Any]:
        # No terminal: the store takes the window's number from the device record.
        credentials: dict[str, Any] = {"username": username, "password": password}
        if device_id:
            credentials["device_id"] = device_id
        if device_secret:
            credentials["device_secret"] = device_secret
        return credentials

    def login(self, username: str, password: str, device_id: str | None,
              device_secret: str | None = None) -> dict[str, Any]:
        """POST /auth/login → {token, role, display_name, terminal} at the registered device
        (DESIGN.md §14); the credentials are kept to log in again once when the token
        expires."""
        credentials = self._credentials_of(username, password, device_id, device_secret)
        body = self._login(credentials)
        self._credentials = credentials
        return body

    def remember(self, username: str, password: str, device_id: str | None,
                 device_secret: str | None = None) -> None:
        """Keep the credentials without a request: the first call that needs a token logs in
        (on the engine's thread, never the caller's)."""
        self._credentials = self._credentials_of(username, password, device_id, device_secret)
        with self._lock:
            self._token = None

    def logout(self) -> None:
        """POST /auth/logout: the token is revoked (DESIGN.md §14) and forgotten, with the
        credentials, so this client signs in as nobody again. Best effort: a store that cannot
        be reached keeps a token that runs out on its own."""
        token, self._credentials = self._token, None
        with self._lock:
            self._token = None
        if token is None:
            return
        try:
            self._send("POST", "/auth/logout", json={}, auth=False,
                       headers={"Authorization": f"Bearer {token}"})
        except TransientError as exc:
            log.info("logout not sent: %s", exc)

    def health(self) -> bool:
        """GET /health: True when the store answers."""
        return self._request("GET", "/health", auth=False).get("status") == "ok"

    def push(self, device_id: str, ops: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """POST /sync/push (≤ 200 ops in seq order) → one result per op."""
        body = self._request("POST", "/sync/push", json={"device_id": device_id, "ops": ops})
        return list(body["results"])

    def changes(self, since: str | int, limit: int = 500, wait: float = 0) -> dict[str, Any]:
        """GET /sync/changes → {changes, next_cursor, has_more, server_time}; with `wait` the
        store holds the request up to that many seconds when nothing is newer."""
        params = {"since": since, "limit": limit, "wait": wait}
        return self._request("GET", "/sync/changes", params=params,
                             timeout=wait + LONG_POLL_MARGIN_S)

    def grant_lease(self, ticket_type: str, visit_date: str, qty: int) -> dict[str, Any]:
        """POST /leases → {lease_id, granted, used, expires_at}; 409 sold_out when none free."""
        return self._request("POST", "/leases", json={
            "ticket_type": ticket_type, "visit_date": visit_date, "qty": qty})

    def return_lease(self, lease_id: str) -> dict[str, Any]:
        return self._request("POST", f"/leases/{_seg(lease_id)}/return", json={})

    def get_order(self, order_no: str, *, reveal: bool = False) -> dict[str, Any]:
        """GET /orders/{order_no} → Order JSON (masked). `reveal`: the customer's full phone
        and ID number as well (supervisor+; the store logs `customer.revealed`)."""
        params = {"reveal": 1} if reveal else None
        return self._request("GET", f"/orders/{_seg(order_no)}", params=params)

    def timeline(self, order_no: str) -> dict[str, Any]:
        """GET /orders/{order_no}/timeline → {events, verified}."""
        return self._request("GET", f"/orders/{_seg(order_no)}/timeline")

    def anomalies(self, *, category: str | None = None, kind: str | None = None,
                  status: str | None = None, order_no: str | None = None,
                  limit: int | None = None) -> dict[str, Any]:
        """GET /anomalies → {anomalies (priority order), counts: {category: n}}."""
        params = {k: v for k, v in (("category", category), ("kind", kind),
                                    ("status", status), ("order_no", order_no),
                                    ("limit", limit)) if v is not None}
        return self._request("GET", "/anomalies", params=params)

    def anomaly(self, anomaly_id: str) -> dict[str, Any]:
        """GET /anomalies/{id} → the anomaly with its evidence, order summary and devices."""
        return self._request("GET", f"/anomalies/{_seg(anomaly_id)}")

    def fix_anomaly(self, anomaly_id: str, action: str, note: str | None = None,
                    order_version: int | None = None) -> dict[str, Any]:
        """POST /anomalies/{id}/fix → {anomaly, order, already_fixed, message}. Refusals are
        PermanentError: 409 `conflict` (the precondition no longer holds, or the order moved
        past `order_version`), 422 (a note is required)."""
        body: dict[str, Any] = {"action": action}
        if note:
            body["note"] = note
        if order_version is not None:
            body["order_version"] = order_version
        return self._request("POST", f"/anomalies/{_seg(anomaly_id)}/fix", json=body)

    def batch_anomalies(self, ids: list[str], action: str, note: str) -> dict[str, Any]:
        """POST /anomalies/batch {ids, action: mark_resolved | dismiss, note}."""
        return self._request("POST", "/anomalies/batch",
                             json={"ids": list(ids), "action": action, "note": note})

    def devices(self) -> list[dict[str, Any]]:
        """GET /devices → the devices with location, status and last heartbeat."""
        body = self._request("GET", "/devices")
        return list(body["devices"] if isinstance(body, dict) else body)

    def create_order(self, body: Mapping[str, Any], key: str) -> dict[str, Any]:
        """POST /orders with the Idempotency-Key `key` → the order (201)."""
        return self._request("POST", "/orders", json=dict(body), headers={"Idempotency-Key": key})

    # -- refunds a person decides on (the Refund and Approvals screens) --------------------

    def request_refund(self, order_no: str, body: Mapping[str, Any], key: str) -> dict[str, Any]:
        """POST /orders/{order_no}/refunds {ticket_ids, method, reason, override?} with the
        Idempotency-Key `key` (the same key answers the same refund again) → refund."""
        return self._request("POST", f"/orders/{_seg(order_no)}/refunds",
                             json=dict(body), headers={"Idempotency-Key": key})

    def refunds(self, status: str = "awaiting_approval") -> list[dict[str, Any]]:
        """GET /refunds?status= → refunds oldest first (the approvals list)."""
        return list(self._request("GET", "/refunds", params={"status": status})["refunds"])

    def approve_refund(self, refund_no: str) -> dict[str, Any]:
        return self._request("POST", f"/refunds/{_seg(refund_no)}/approve", json={})

    def reject_refund(self, refund_no: str, reason: str) -> dict[str, Any]:
        return self._request("POST", f"/refunds/{_seg(refund_no)}/reject",
                             json={"reason": reason})

    def close(self) -> None:
        self._http.close()

    # -- actions from an order's detail (cancel unpaid, flag by hand) ----------------------

    def cancel_order(self, order_no: str, key: str, reason: str | None = None
                     ) -> dict[str, Any]:
        """POST /orders/{order_no}/cancel {reason?} with the Idempotency-Key `key` → the
        cancelled order (supervisor+; 409 `conflict` unless it is `pending_payment`)."""
        body = {"reason": reason} if reason else {}
        return self._request("POST", f"/orders/{_seg(order_no)}/cancel", json=body,
                             headers={"Idempotency-Key": key})

    def flag_orders(self, order_nos: list[str], category: str, reason: str) -> dict[str, Any]:
        """POST /anomalies/flag {order_nos, category, reason} → {flagged: [{order_no,
        anomaly_id, anomaly}], already: [order_no], unknown: [order_no]} (supervisor+)."""
        return self._request("POST", "/anomalies/flag", json={
            "order_nos": list(order_nos), "category": category, "reason": reason})

    # -- the order search (DESIGN.md §8): what the caller may read ------------------------------

    def search_orders(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """GET /orders?… → {orders (masked Order JSON, newest first), next_cursor}; `channel`
        and `status` may be several values, comma-separated. Blank values are left out."""
        return self._request("GET", "/orders", params=_present(params))

    def order_summary(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """GET /orders/summary?… (the filters of `search_orders`) → {orders, amount_fen}."""
        return self._request("GET", "/orders/summary", params=_present(params))

    # -- downloads (DESIGN.md §15 exports) -------------------------------------------------

    def download(self, path: str, params: Mapping[str, Any] | None, dest: str | Path, *,
                 on_progress: Callable[[int, int | None], None] | None = None,
                 cancelled: Callable[[], bool] | None = None,
                 timeout: float = DOWNLOAD_WAIT_S) -> Download:
        """GET `path` streamed into `dest` through `dest.part` (renamed when complete):
        `on_progress(received, total)` after every chunk (total: `Content-Length`, None when
        unknown); `cancelled()` is asked before and between chunks — then the request is
        closed, the partial file removed and `DownloadCancelled` raised. `timeout` bounds the
        wait for the answer (the store writes the file before it answers). Errors as
        `_request`: TransientError, PermanentError (§8 code and message)."""
        dest = Path(dest)
        part = dest.with_name(dest.name + ".part")
        stop = cancelled or (lambda: False)
        if self._token is None and self._credentials is not None:
            self._login(self._credentials)
        response = self._open_stream(path, params, timeout)
        if response.status_code == 401 and self._credentials is not None:
            response.close()
            self._login(self._credentials)
            response = self._open_stream(path, params, timeout)
        with response:
            if response.status_code >= 400:
                response.content  # noqa: B018 — the §8 error body
                self._result(response, path)
            total = _int_header(response, "Content-Length")
            received = 0
            try:
                with part.open("wb") as out:
                    for chunk in response.iter_content(DOWNLOAD_CHUNK):
                        if stop():
                            raise DownloadCancelled(path)
                        out.write(chunk)
                        received += len(chunk)
                        if on_progress is not None:
                            on_progress(received, total)
                if stop():
                    raise DownloadCancelled(path)
                if total is not None and received != total:
                    raise TransientError(f"下载不完整：{received}/{total} 字节")
                part.replace(dest)
            except requests.RequestException as exc:
                part.unlink(missing_ok=True)
                raise TransientError(f"下载中断：{type(exc).__name__}") from exc
            except BaseException:
                part.unlink(missing_ok=True)
                raise
        return Download(dest, received, _int_header(response, "X-Rows"))

    def _open_stream(self, path: str, params: Mapping[str, Any] | None,
                     timeout: float) -> requests.Response:
        return self._send("GET", path, params=params, timeout=(self.timeout, timeout),
                          stream=True)


def _present(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v is not None and v != ""}
