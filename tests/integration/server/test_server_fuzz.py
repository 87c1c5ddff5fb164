"""Schemathesis over the OpenAPI document of the running store (real uvicorn over HTTP, on
SQLite and PostgreSQL): whatever it is sent, the store never answers 5xx, and every refusal is
the DESIGN.md §8 error body with a Chinese message. Authenticated as admin, as a clerk of
window 01 and as nobody (the generated Authorization header); the signed webhooks with bodies
signed by the store's secret and with forged or missing signatures. Bounded for CI: a fixed
number of derandomized examples per operation, long-polls capped at 0.1 s (fuzz_hooks)."""

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import fuzz_hooks
import pytest
import requests
import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from live_store import Live, running_store
from schemathesis.checks import not_a_server_error
from signed import SECRET, sign

from server.webhooks import ENV_SECRET, HEADER

FIXED_NOW = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)  # as tests/conftest.py: opening hours
PG_ADMIN_URL = os.environ.get("MENPIAO_TEST_PG",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
SIGNED = r"^/api/v1/(channels|payments)/"
UNAUTHENTICATED = r"^/api/v1/(health|auth/login)$"
KNOWN_SENDERS = {"POST /api/v1/channels/{channel}/orders": {"channel": "miniprogram"},
                 "POST /api/v1/payments/{provider}/callback": {"provider": "wechat"}}
CHECKS = [not_a_server_error, fuzz_hooks.error_format]
MODES = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
FUZZ = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))
# per operation and mode: the API has grown to ~70 operations (issues 11–15), so fewer
# examples each keep the whole fuzz near 2 minutes on the 2 cores
EXAMPLES = {"admin": 10, "clerk": 10, "nobody": 5}

pytestmark = pytest.mark.timeout(600)


@contextmanager
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for one module, dropped afterwards."""
    name = f"menpiao_fuzz_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def store(request, tmp_path_factory) -> Iterator[Live]:
    """One running store per engine for the whole module, webhooks signed with SECRET."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(ENV_SECRET, SECRET)
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'menpiao.sqlite3'}"
            with running_store(url, FIXED_NOW) as live:
                yield live
        else:
            with pg_database() as url, running_store(url, FIXED_NOW) as live:
                yield live


@pytest.fixture(scope="module", params=["admin", "clerk", "nobody"])
def caller(request, store) -> tuple[str, dict[str, str]]:
    """The role and headers of the caller; nobody sends the generated Authorization."""
    if request.param == "admin":
        return "admin", store.login("admin", terminal=None, device_id="fuzz-admin")
    if request.param == "clerk":
        return "clerk", store.login("clerk1", terminal="01", device_id="fuzz-clerk")
    return "nobody", {}


@pytest.fixture(scope="module", params=["signed", "forged"])
def signature(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def api_schema(store):
    return schemathesis.openapi.from_url(store.url("/openapi.json"), timeout=10)


class SigningSession(requests.Session):
    """Signs the exact bytes it sends, as a channel or provider does."""

    def send(self, request: requests.PreparedRequest, **kwargs):  # type: ignore[override]
        body = request.body or b""
        request.headers[HEADER] = sign(body.encode() if isinstance(body, str) else body, SECRET)
        return super().send(request, **kwargs)


def whole_numbers(value: Any) -> Any:
    """JSON Schema lets an integer be written 226.0; the store (strict, money in fen) wants
    226. Valid data written the store's way gets past parsing into the services."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: whole_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [whole_numbers(v) for v in value]
    return value


def fuzz(schema, subtests, call: Callable[[schemathesis.Case], object], *,
         examples: int = FUZZ.max_examples, paths: dict[str, dict[str, str]] | None = None
         ) -> int:
    """`call` every operation of `schema` with valid and invalid data, one subtest per
    operation and mode (schemathesis' pytest loader does not run on this pytest); the number
    of requests sent. `paths` fixes path parameters by operation label."""
    sent = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in MODES:
            with subtests.test(msg=f"{operation.label} {mode.value}"):
                try:
                    sent += fuzz_operation(operation, mode, call, examples,
                                           (paths or {}).get(operation.label))
                except Unsatisfiable:  # nothing to make invalid (GET /health)
                    if mode is not schemathesis.GenerationMode.NEGATIVE:
                        raise
    return sent


def fuzz_operation(operation, mode: schemathesis.GenerationMode,
                   call: Callable[[schemathesis.Case], object], examples: int,
                   path_parameters: dict[str, str] | None) -> int:
    sent = 0

    @settings(FUZZ, max_examples=examples)
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
    def run(case: schemathesis.Case) -> None:
        nonlocal sent
        sent += 1
        if mode is schemathesis.GenerationMode.POSITIVE:
            case.body = whole_numbers(case.body)
        call(case)

    run()
    return sent


def test_no_input_makes_a_server_error(api_schema, caller, subtests):
    """Every operation but the webhooks; nobody also covers login, which takes no token."""
    role, headers = caller
    schema = api_schema.exclude(path_regex=SIGNED)
    if role != "nobody":
        schema = schema.exclude(path_regex=UNAUTHENTICATED)
    sent = fuzz(schema, subtests, examples=EXAMPLES[role],
                call=lambda case: case.call_and_validate(headers=headers, checks=CHECKS,
                                                         timeout=10))
    assert sent >= 12 * len(MODES) * 8


@pytest.mark.parametrize("signature", ["signed", "forged"])
def test_no_webhook_makes_a_server_error(api_schema, signature, subtests):
    """Signed: the body, sent to a known channel or provider, reaches parsing and the
    services. Forged: the generated signature header (random hex or none) on any path is
    refused before parsing."""
    signed = signature == "signed"
    with SigningSession() if signed else requests.Session() as session:
        sent = fuzz(api_schema.include(path_regex=SIGNED), subtests,
                    paths=KNOWN_SENDERS if signed else None,
                    call=lambda case: case.call_and_validate(session=session, checks=CHECKS,
                                                             timeout=10))
    assert sent >= 2 * len(MODES) * 10
