"""GET /health: ok only when the database answers (503 `unavailable` otherwise)."""

from fastapi import APIRouter

from app.services.admin import store_health

from ..deps import Db

router = APIRouter()


@router.get("/health")
def health(s: Db) -> dict[str, str]:
    store_health.check(s)
    return {"status": "ok"}
