"""A small HTTP proxy in front of the central store that injects transport faults.

Faults are queued per path prefix and used up one request each:
- `drop_before`: the connection is closed before anything reaches the store;
- `drop_after`: the request is forwarded, the store answers (and has committed), then the
  connection is closed without the answer — the client sees an error for work that was done;
- `status`: the proxy answers itself with that status (503, 429) and a §8 error body.
`down()` drops every request until `up()`. `seen` counts the requests that reached the store
per path.
"""

from __future__ import annotations

import http.client
import json
import threading
from collections import Counter, deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
              "proxy-authorization", "proxy-authenticate", "host", "content-length"}


@dataclass
class Fault:
    prefix: str  # path after the API base, e.g. "/sync/push"
    action: str  # drop_before | drop_after | status
    status: int = 0


class FaultProxy:
    """`FaultProxy(target_base)`; `.base` is the API base to give the client."""

    def __init__(self, target_base: str) -> None:
        parts = urlsplit(target_base)
        self.target_host, self.target_port = parts.hostname, parts.port
        self.api_path = parts.path.rstrip("/")
        self._faults: deque[Fault] = deque()
        self._lock = threading.Lock()
        self._down = False
        self.seen: Counter[str] = Counter()
        self.injected: Counter[str] = Counter()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{self.api_path}"

    def start(self) -> FaultProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- faults ---------------------------------------------------------------------------

    def add(self, prefix: str, action: str, *, times: int = 1, status: int = 0) -> None:
        with self._lock:
            self._faults.extend(Fault(prefix, action, status) for _ in range(times))

    def down(self) -> None:
        self._down = True

    def up(self) -> None:
        self._down = False

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
        self._down = False

    def _take(self, path: str) -> Fault | None:
        if self._down:
            return Fault(path, "drop_before")
        with self._lock:
            for fault in self._faults:
                if path.startswith(fault.prefix):
                    self._faults.remove(fault)
                    return fault
        return None

    # -- the handler ----------------------------------------------------------------------

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # quiet
                pass

            def _relay(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                path = self.path
                api_path = urlsplit(path).path.removeprefix(proxy.api_path)
                fault = proxy._take(api_path)
                if fault is not None:
                    proxy.injected[f"{fault.action}:{api_path}"] += 1
                if fault is not None and fault.action == "drop_before":
                    self.close_connection = True
                    return
                if fault is not None and fault.action == "status":
                    self._answer(fault.status, {"Content-Type": "application/json"}, json.dumps(
                        {"error": {"code": "unavailable", "message": "暂时不可用"}}).encode())
                    return
                status, headers, data = self._forward(path, body)
                proxy.seen[api_path] += 1
                if fault is not None and fault.action == "drop_after":
                    self.close_connection = True
                    return
                self._answer(status, headers, data)

            def _forward(self, path: str, body: bytes | None) -> tuple[int, dict, bytes]:
                conn = http.client.HTTPConnection(proxy.target_host, proxy.target_port,
                                                  timeout=120)
                try:
                    headers = {k: v for k, v in self.headers.items()
                               if k.lower() not in HOP_BY_HOP}
                    conn.request(self.command, path, body=body, headers=headers)
                    response = conn.getresponse()
                    data = response.read()
                    kept = {k: v for k, v in response.getheaders()
                            if k.lower() not in HOP_BY_HOP}
                    return response.status, kept, data
                finally:
                    conn.close()

            def _answer(self, status: int, headers: dict, data: bytes) -> None:
                self.send_response_only(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _relay

        return Handler
