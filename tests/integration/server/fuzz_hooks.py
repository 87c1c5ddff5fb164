"""Schemathesis hooks and checks for fuzzing the central store, shared by
test_server_fuzz.py and a command-line run (`SCHEMATHESIS_HOOKS=fuzz_hooks st run ...` with
this directory on PYTHONPATH):

- the signed webhooks read their raw body themselves (the signature comes before parsing), so
  the OpenAPI document names no request body for them: one is added from the routes' own
  pydantic models, with an optional `X-Menpiao-Signature` header that fuzzing forges;
- a long-poll of `/sync/changes` waits at most 0.1 s, so a fuzz run stays short;
- `error_format`: every answer >= 400 is the DESIGN.md §8 error body with a Chinese message."""

import copy
import json
import math
from typing import Any

import schemathesis

from server.routes.channels import ChannelOrderBody
from server.routes.payments import CallbackBody
from server.webhooks import HEADER

SIGNED_BODIES = {
    "/api/v1/channels/{channel}/orders": ChannelOrderBody,
    "/api/v1/payments/{provider}/callback": CallbackBody,
}
MAX_FUZZ_WAIT = 0.1  # s: the wait loop still runs, briefly


def _inline(schema: Any, defs: dict[str, Any]) -> Any:
    """`schema` with its local `#/$defs/...` references replaced by their definitions."""
    if isinstance(schema, dict):
        ref = schema.get("$ref", "")
        if ref.startswith("#/$defs/"):
            return _inline(copy.deepcopy(defs[ref.removeprefix("#/$defs/")]), defs)
        return {k: _inline(v, defs) for k, v in schema.items() if k != "$defs"}
    if isinstance(schema, list):
        return [_inline(v, defs) for v in schema]
    return schema


def body_schema(model: type) -> dict[str, Any]:
    schema = model.model_json_schema()
    return _inline(schema, schema.get("$defs", {}))


@schemathesis.hook
def before_load_schema(context: schemathesis.HookContext, raw_schema: dict[str, Any]) -> None:
    for path, model in SIGNED_BODIES.items():
        operation = raw_schema.get("paths", {}).get(path, {}).get("post")
        if operation is None or "requestBody" in operation:
            continue
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": body_schema(model)}},
        }
        operation.setdefault("parameters", []).append(
            {"name": HEADER, "in": "header", "required": False,
             "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"}})


def _short_wait(value: Any) -> Any:
    try:
        seconds = float(str(value).strip())
    except ValueError:
        return value
    return MAX_FUZZ_WAIT if math.isfinite(seconds) and MAX_FUZZ_WAIT < seconds <= 60 else value


@schemathesis.hook
def before_call(context: schemathesis.HookContext, case: schemathesis.Case,
                kwargs: dict[str, Any]) -> None:
    if case.query and "wait" in case.query:
        wait = case.query["wait"]
        case.query["wait"] = ([_short_wait(w) for w in wait] if isinstance(wait, list)
                              else _short_wait(wait))


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@schemathesis.check
def error_format(ctx: schemathesis.CheckContext, response: schemathesis.Response,
                 case: schemathesis.Case) -> bool | None:
    """DESIGN.md §8: HTTP status + {"error": {"code", "message"}}, the message in Chinese."""
    if response.status_code < 400:
        return None
    content_type = response.headers.get("content-type", [""])
    content_type = content_type[0] if isinstance(content_type, list) else content_type
    assert content_type.startswith("application/json"), f"not JSON: {content_type!r}"
    try:
        body = json.loads(response.content)
    except ValueError as exc:
        raise AssertionError(f"error body is not JSON: {response.content[:200]!r}") from exc
    assert isinstance(body, dict) and set(body) == {"error"}, f"not a §8 error body: {body!r}"
    error = body["error"]
    assert isinstance(error, dict) and set(error) == {"code", "message"}, \
        f"not a §8 error body: {body!r}"
    assert isinstance(error["code"], str) and error["code"], f"no error code: {body!r}"
    assert isinstance(error["message"], str) and has_chinese(error["message"]), \
        f"error message not in Chinese: {body!r}"
    return True
