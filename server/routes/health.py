"""GET /health: ok only when the database answers (503 `unavailable` otherwise). The
`X-Worker-Pid` header names the worker process that answered (`main.py server --workers N`)."""

import os

from fastapi import APIRouter, Response

from app.services.admin import store_health

from ..deps import Db

router = APIRouter()
WORKER_HEADER = "X-Worker-Pid"


@router.get("/health")
def health(s: Db, response: Response) -> dict[str, str]:
    store_health.check(s)
    response.headers[WORKER_HEADER] = str(os.getpid())
    return {"status": "ok"}
