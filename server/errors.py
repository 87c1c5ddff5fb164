"""The error format of DESIGN.md §8: HTTP status + {"error": {"code", "message"}}, with a
Chinese message, for every failure; never a 500 for bad input."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.domain.errors import DomainError

log = logging.getLogger(__name__)

STATUS_BY_CODE = {
    "validation_error": 422,
    "unauthorized": 401,
    "bad_signature": 401,
    "forbidden": 403,
    "not_found": 404,
    "sold_out": 409,
    "conflict": 409,
    "illegal_transition": 409,
    "idempotency_key_reused": 422,
    "provider_failed": 502,
    "rate_limited": 429,
    "unavailable": 503,
}
_HTTP_CODES = {400: "validation_error", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "validation_error",
               415: "validation_error", 422: "validation_error", 429: "rate_limited"}
_HTTP_MESSAGES = {400: "请求格式不正确", 401: "请先登录", 403: "没有权限",
                  404: "没有这个接口", 405: "不支持这种请求方法", 413: "请求体太大",
                  415: "请求体必须是 JSON", 429: "请求太频繁，请稍后再试"}

# pydantic error types → a Chinese phrase; `{...}` fields come from the error's ctx.
_PHRASES = {
    "missing": "缺少此字段",
    "extra_forbidden": "是不认识的字段",
    "json_invalid": "请求体不是合法的 JSON",
    "json_type": "请求体不是合法的 JSON",
    "int_type": "必须是整数",
    "int_parsing": "必须是整数",
    "int_from_float": "必须是整数",
    "string_type": "必须是字符串",
    "bool_type": "必须是 true 或 false",
    "date_type": "必须是日期（YYYY-MM-DD）",
    "date_parsing": "必须是日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "必须是日期（YYYY-MM-DD）",
    "date_from_datetime_inexact": "必须是日期（YYYY-MM-DD）",
    "dict_type": "必须是 JSON 对象",
    "model_type": "必须是 JSON 对象",
    "model_attributes_type": "必须是 JSON 对象",
    "list_type": "必须是数组",
    "greater_than_equal": "不能小于 {ge}",
    "less_than_equal": "不能大于 {le}",
    "string_too_short": "不能为空",
    "string_too_long": "太长（最多 {max_length} 个字符）",
    "too_short": "至少要有 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "string_pattern_mismatch": "含有不允许的字符",
    "literal_error": "取值不正确，应为 {expected}",
}


def error_response(status: int, code: str, message: str,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": {"code": code, "message": message}},
                        headers=headers)


def _field_path(loc: tuple) -> str:
    return ".".join(str(p) for p in loc if p not in ("body", "query", "path", "header"))


def validation_message(error: dict[str, Any]) -> str:
    """One pydantic error as a Chinese sentence naming the field."""
    kind = error.get("type", "")
    if kind in ("json_invalid", "json_type"):
        return _PHRASES[kind]
    try:
        phrase = _PHRASES[kind].format(**error.get("ctx", {}))
    except (KeyError, IndexError):
        phrase = "格式不正确"
    where = _field_path(tuple(error.get("loc", ())))
    return f"请求参数不正确：{where} {phrase}" if where else f"请求参数不正确：{phrase}"


def install_error_handlers(app: FastAPI) -> None:
    """Map every failure to the §8 format."""

    @app.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.code == "unauthorized" else None
        if "retry_after" in exc.detail:
            headers = {"Retry-After": str(exc.detail["retry_after"])}
        return error_response(STATUS_BY_CODE.get(exc.code, 409), exc.code, exc.message, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        message = validation_message(errors[0]) if errors else "请求参数不正确"
        return error_response(422, "validation_error", message)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # a body FastAPI could not even parse (e.g. nested too deep)
            return error_response(422, "validation_error", "请求体不是合法的 JSON")
        code = _HTTP_CODES.get(exc.status_code, "error")
        message = _HTTP_MESSAGES.get(exc.status_code, str(exc.detail))
        return error_response(exc.status_code, code, message, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return error_response(500, "internal_error", "服务器内部错误，已记录")
