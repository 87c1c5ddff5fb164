"""`SqlJobStore` and the print-queue services on a real SQLite file (the window's database)."""

from datetime import timedelta

import pytest

from app.domain.errors import IllegalTransition, NotFound
from app.services.journal import print_queue
from app.services.prints import print_jobs
from app.services.prints.print_jobs import SqlJobStore
from app.store.db import Database

TICKET = {"venue_name": "门票景区", "ticket_type_name": "成人票", "visit_date": "2026-11-21",
          "price_fen": 10000, "order_no": "W01-20261121-0001", "code": "MP1-AAAA"}
RECEIPT = {"venue_name": "门票景区", "order_no": "W01-20261121-0001", "lines": [],
           "total_fen": 0, "tendered_fen": 0, "change_fen": 0, "payment_method": "cash",
           "clerk": "c", "terminal": "01", "printed_at": "2026-11-21 10:00:00"}


@pytest.fixture
def db(sqlite_url):
    database = Database.open(sqlite_url)
    yield database
    database.dispose()


def enqueue(db, now, *kinds: str) -> tuple[str, ...]:
    payloads = {"ticket": TICKET, "receipt": RECEIPT}
    with db.session() as session, session.begin():
        return print_queue.enqueue(session, [(k, payloads[k]) for k in kinds],
                                   order_no="W01-20261121-0001", now=now)


def info(db, job_id):
    with db.session() as session:
        return next(j for j in print_jobs.recent(session, 100) if j.id == job_id)


def test_claim_takes_jobs_in_the_order_they_were_queued(db, now):
    ids = enqueue(db, now, "ticket", "ticket", "ticket", "receipt")
    store = SqlJobStore(db)
    claimed = [store.claim_next(now) for _ in ids]
    assert [job.id for job in claimed] == list(ids)
    assert [job.kind for job in claimed] == ["ticket", "ticket", "ticket", "receipt"]
    assert claimed[0].payload["code"] == "MP1-AAAA" and claimed[0].attempts == 1
    assert store.claim_next(now) is None  # all printing now
    assert info(db, ids[0]).status == "printing"


def test_done_failed_retry_and_release(db, now):
    a, b, c = enqueue(db, now, "ticket", "ticket", "receipt")
    store = SqlJobStore(db)
    for _ in range(3):
        store.claim_next(now)
    store.mark_done(a, now)
    store.mark_failed(b, "发送失败", now, now + timedelta(seconds=10))
    store.release(c, error="等待打印机：打印机缺纸", now=now)

    assert (info(db, a).status, info(db, a).printed_at) == ("done", now)
    assert (info(db, b).status, info(db, b).attempts, info(db, b).error) == ("pending", 1, "发送失败")
    assert (info(db, c).status, info(db, c).attempts) == ("pending", 0)
    assert info(db, c).status_label == "等待打印机"
    assert store.claim_next(now).id == c  # b is not due yet
    assert store.claim_next(now + timedelta(seconds=10)).id == b

    store.mark_failed(b, "打印机断开", now, None)
    assert info(db, b).status == "failed"
    with db.session() as session:
        retried = print_jobs.retry(session, b, now=now)
    assert (retried.status, retried.attempts, retried.error) == ("pending", 0, None)
    assert store.claim_next(now).id == b


def test_retry_refuses_printed_and_unknown_jobs(db, now):
    (a,) = enqueue(db, now, "ticket")
    store = SqlJobStore(db)
    store.claim_next(now)
    with db.session() as session, pytest.raises(IllegalTransition, match="正在打印"):
        print_jobs.retry(session, a, now=now)
    store.mark_done(a, now)
    with db.session() as session, pytest.raises(IllegalTransition, match="重打"):
        print_jobs.retry(session, a, now=now)
    with db.session() as session, pytest.raises(NotFound):
        print_jobs.retry(session, "no-such-job", now=now)


def test_recover_puts_jobs_interrupted_by_a_crash_back_in_the_queue(db, now):
    a, b = enqueue(db, now, "ticket", "receipt")
    SqlJobStore(db).claim_next(now)  # the process died while printing a
    with db.session() as session:
        assert print_jobs.recover(session, now=now) == 1
    assert info(db, a).status == "pending" and "重新排队" in info(db, a).error
    assert info(db, b).status == "pending"
    with db.session() as session:
        assert print_jobs.counts(session) == {"pending": 2}


def test_recent_lists_newest_first_with_a_title(db, now):
    (old,) = enqueue(db, now, "ticket")
    (new,) = enqueue(db, now + timedelta(minutes=1), "receipt")
    with db.session() as session:
        jobs = print_jobs.recent(session, 10)
    assert [j.id for j in jobs] == [new, old]
    assert jobs[0].title == "收据 W01-20261121-0001"
    assert jobs[1].title == "门票 成人票 MP1-AAAA"


@pytest.fixture
def any_db(db_url):
    database = Database.open(db_url)
    yield database
    database.dispose()


def test_racing_claims_never_take_a_job_twice(any_db, now):
    from concurrent.futures import ThreadPoolExecutor

    ids = set(enqueue(any_db, now, *(["ticket"] * 24)))
    store = SqlJobStore(any_db)

    def drain() -> list[str]:
        taken = []
        while (job := store.claim_next(now)) is not None:
            taken.append(job.id)
        return taken

    with ThreadPoolExecutor(4) as pool:
        batches = list(pool.map(lambda _: drain(), range(4)))
    claimed = [job_id for batch in batches for job_id in batch]
    assert sorted(claimed) == sorted(ids)  # every job once, none twice
