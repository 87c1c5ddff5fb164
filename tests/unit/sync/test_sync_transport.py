"""StoreClient's error classes, re-login and clock offset, over a scripted HTTP session."""

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import requests

from sync.transport import PermanentError, StoreClient, TransientError

T0 = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)


def response(status, body=None, *, date=None):
    r = requests.Response()
    r.status_code = status
    r._content = json.dumps(body if body is not None else {}).encode()
    r.headers["Content-Type"] = "application/json"
    if date is not None:
        r.headers["Date"] = format_datetime(date, usegmt=True)
    return r


def error(code, message="出错了"):
    return {"error": {"code": code, "message": message}}


class ScriptedHttp:
    """Answers requests from a script; records what was asked."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = []

    def request(self, method, url, **kw):
        self.calls.append((method, url, kw))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def close(self):
        pass


def client(*answers, clock=lambda: T0):
    http = ScriptedHttp(*answers)
    return StoreClient("http://store/api/v1/", session=http, clock=clock), http


@pytest.mark.parametrize("answer", [
    requests.ConnectTimeout("slow"), requests.ReadTimeout("slow"),
    requests.ConnectionError("refused"), requests.exceptions.ChunkedEncodingError("cut"),
    response(500, error("internal_error")), response(503, error("unavailable")),
    response(429, error("rate_limited"))])
def test_timeouts_connection_errors_5xx_and_429_are_transient(answer):
    c, _ = client(answer)
    with pytest.raises(TransientError):
        c.get_order("W01-20261121-0001")


@pytest.mark.parametrize("status, code", [(404, "not_found"), (409, "sold_out"),
                                          (422, "validation_error"), (403, "forbidden")])
def test_other_4xx_are_permanent_with_the_code_and_message(status, code):
    c, _ = client(response(status, error(code, "没有这张票")))
    with pytest.raises(PermanentError) as caught:
        c.grant_lease("ADULT", "2026-11-21", 30)
    assert (caught.value.status, caught.value.code, caught.value.message) == (
        status, code, "没有这张票")


def test_a_refusal_without_the_stores_error_body_is_said_in_chinese():
    page = response(404)  # a proxy's page, not the store's §8 answer
    page._content, page.reason = b"<html>Not Found</html>", "Not Found"
    c, _ = client(page)
    with pytest.raises(PermanentError) as caught:
        c.grant_lease("ADULT", "2026-11-21", 30)
    assert caught.value.code == "http_404"
    assert caught.value.message == "中心服务器返回了无法识别的应答（HTTP 404）"
    assert "Not Found" not in str(caught.value)


def test_a_body_that_is_not_json_is_a_lost_answer():
    bad = response(200)
    bad._content = b'{"results": ['
    c, _ = client(bad)
    with pytest.raises(TransientError):
        c.push("dev-1", [])


def test_an_expired_token_logs_in_again_once_and_repeats_the_request():
    c, http = client(response(200, {"token": "t1", "role": "clerk", "display_name": "甲"}),
                     response(401, error("unauthorized")),
                     response(200, {"token": "t2", "role": "clerk", "display_name": "甲"}),
                     response(200, {"results": [{"op_id": "a", "status": "applied"}]}))
    c.login("clerk1", "pw", "dev-1", "secret-1")

    assert c.push("dev-1", [{"op_id": "a"}]) == [{"op_id": "a", "status": "applied"}]

    assert [(m, u.rsplit("/v1", 1)[1]) for m, u, _ in http.calls] == [
        ("POST", "/auth/login"), ("POST", "/sync/push"), ("POST", "/auth/login"),
        ("POST", "/sync/push")]
    assert http.calls[1][2]["headers"]["Authorization"] == "Bearer t1"
    assert http.calls[3][2]["headers"]["Authorization"] == "Bearer t2"
    assert http.calls[0][2]["json"] == {"username": "clerk1", "password": "pw",  # no terminal:
                                        "device_id": "dev-1", "device_secret": "secret-1"}


def test_a_second_401_is_permanent():
    c, _ = client(response(200, {"token": "t1"}), response(401, error("unauthorized")),
                  response(200, {"token": "t2"}), response(401, error("unauthorized")))
    c.login("clerk1", "pw", "dev-1")
    with pytest.raises(PermanentError) as caught:
        c.changes("0")
    assert caught.value.status == 401


def test_remembered_credentials_log_in_on_the_first_request():
    c, http = client(response(200, {"status": "ok"}), response(200, {"token": "t1"}),
                     response(200, {"changes": [], "next_cursor": "0", "has_more": False}))
    c.remember("clerk1", "pw", "dev-1")
    assert c.health() is True  # needs no token
    c.changes("0")
    assert [u.rsplit("/v1", 1)[1] for _, u, _ in http.calls] == [
        "/health", "/auth/login", "/sync/changes"]


def test_a_long_poll_waits_longer_than_the_server_holds_it():
    c, http = client(response(200, {"changes": [], "next_cursor": "7", "has_more": False}))
    c.changes("7", limit=1, wait=25)
    _, _, kw = http.calls[0]
    assert kw["params"] == {"since": "7", "limit": 1, "wait": 25}
    assert kw["timeout"] == 35


def test_clock_offset_comes_from_the_date_header_at_the_request_midpoint():
    ticks = iter([T0, T0 + timedelta(seconds=2)])  # sent, received
    c, _ = client(response(200, {"status": "ok"}, date=T0 + timedelta(seconds=61)),
                  clock=lambda: next(ticks))
    c.health()
    assert c.clock_offset == 60.0 and not c.clock_skewed


@pytest.mark.parametrize("seconds, skewed", [(299, False), (-299, False), (301, True),
                                             (-400, True)])
def test_an_offset_beyond_five_minutes_is_flagged(seconds, skewed):
    c, _ = client(response(200, {"status": "ok"}, date=T0 + timedelta(seconds=seconds)))
    c.health()
    assert c.clock_skewed is skewed


def test_order_numbers_are_quoted_into_the_path():
    c, http = client(response(200, {"order_no": "x"}))
    c.get_order("OTA/1 2")
    assert http.calls[0][1] == "http://store/api/v1/orders/OTA%2F1%202"


def test_the_anomaly_and_order_calls_send_what_the_store_expects():
    ok = {"anomalies": [], "counts": {}}
    c, http = client(*(response(200, b) for b in (
        ok, {"id": "a/1"}, {"anomaly": {}, "already_fixed": False}, {"anomaly": {}},
        {"results": []}, {"events": [], "verified": True}, {"order_no": "x"},
        {"devices": [{"device_id": "gate-1"}], "offline_after_s": 120})))
    c.anomalies(category="payment", status="open", limit=50)
    c.anomaly("a/1")
    c.fix_anomaly("a/1", "refund_duplicate", None, 3)
    c.fix_anomaly("a/1", "mark_resolved", "已核实")
    c.batch_anomalies(["a", "b"], "dismiss", "重复上报")
    c.timeline("OTA/1")
    c.get_order("OTA/1", reveal=True)
    assert c.devices() == [{"device_id": "gate-1"}]
    asked = [(m, u.removeprefix("http://store/api/v1"), kw.get("params"), kw.get("json"))
             for m, u, kw in http.calls]
    assert asked == [
        ("GET", "/anomalies", {"category": "payment", "status": "open", "limit": 50}, None),
        ("GET", "/anomalies/a%2F1", None, None),
        ("POST", "/anomalies/a%2F1/fix", None, {"action": "refund_duplicate",
                                                "order_version": 3}),
        ("POST", "/anomalies/a%2F1/fix", None, {"action": "mark_resolved", "note": "已核实"}),
        ("POST", "/anomalies/batch", None, {"ids": ["a", "b"], "action": "dismiss",
                                            "note": "重复上报"}),
        ("GET", "/orders/OTA%2F1/timeline", None, None),
        ("GET", "/orders/OTA%2F1", {"reveal": 1}, None),
        ("GET", "/devices", None, None)]


def test_a_refused_fix_is_a_permanent_error_with_the_stores_message():
    c, _ = client(response(409, error("conflict", "订单已锁定，不能再核销")))
    with pytest.raises(PermanentError) as refused:
        c.fix_anomaly("a1", "manual_redeem")
    assert (refused.value.status, refused.value.code) == (409, "conflict")
    assert refused.value.message == "订单已锁定，不能再核销"
