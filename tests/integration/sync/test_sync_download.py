"""`StoreClient.download` against the real store (SQLite and PostgreSQL) and through the fault
proxy: the export lands complete under its name, a cancel or a fault leaves no file (not even
the `.part`), and a refusal is the §8 error."""

import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sync.transport import DownloadCancelled, PermanentError, StoreClient, TransientError

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests/: seed_orders
from seed_orders import sell  # noqa: E402


@pytest.fixture
def out(tmp_path) -> Path:
    """Where the downloads go (tmp_path also holds the SQLite store)."""
    folder = tmp_path / "downloads"
    folder.mkdir()
    return folder


def client(base: str, who: str) -> StoreClient:
    c = StoreClient(base)
    c.remember(who, who, None, None)  # an office sign-in: no device
    return c


def sold(live, n: int) -> None:
    for _ in range(n):
        sell(live.db, live.clock(), live.venue, ("ADULT", 1))


def test_a_download_lands_whole_with_its_row_count(live, out):
    sold(live, 3)
    seen: list[tuple[int, int | None]] = []
    done = client(live.base, "supervisor").download(
        "/orders/export", {"channel": "window"}, out / "o.xlsx",
        on_progress=lambda got, total: seen.append((got, total)))
    assert done.rows == 3 and done.size == (out / "o.xlsx").stat().st_size
    assert seen[-1] == (done.size, done.size)
    assert load_workbook(done.path).active.max_row == 4
    assert sorted(p.name for p in out.iterdir()) == ["o.xlsx"]


def test_a_cancel_between_chunks_removes_the_partial_file(live, out, monkeypatch):
    monkeypatch.setattr("sync.transport.DOWNLOAD_CHUNK", 1024)
    sold(live, 30)
    chunks: list[int] = []
    with pytest.raises(DownloadCancelled):
        client(live.base, "admin").download(
            "/orders/export", None, out / "o.xlsx",
            on_progress=lambda got, total: chunks.append(got), cancelled=lambda: bool(chunks))
    assert chunks == [1024] and list(out.iterdir()) == []


def test_a_refusal_and_faults_leave_nothing(live, proxy, out):
    with pytest.raises(PermanentError) as refused:
        client(live.base, "supervisor").download("/reports/day-close/export", None,
                                                 out / "d.xlsx")
    assert refused.value.status == 403 and refused.value.code == "forbidden"
    proxy.add("/orders/export", "status", status=503)
    with pytest.raises(TransientError):
        client(proxy.base, "finance").download("/orders/export", None, out / "o.xlsx")
    proxy.add("/orders/export", "drop_after")
    with pytest.raises(TransientError):
        client(proxy.base, "finance").download("/orders/export", None, out / "o.xlsx")
    assert list(out.iterdir()) == []
