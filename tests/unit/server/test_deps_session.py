"""The request's session dependency runs on the event loop: it closes a session that holds no
transaction there, and hands one left in a transaction (its rollback waits on the database) to
the thread pool; either way the connection is back in the pool when the request ends."""

import asyncio
import threading
from types import SimpleNamespace

import pytest

from app.store.db import Database
from server.deps import session


@pytest.mark.parametrize("left_open", [False, True])
def test_the_session_is_closed_and_its_connection_returned(tmp_path, left_open):
    db = Database.open(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    request = SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(db=db)))
    closed_on = []

    async def one_request() -> int:
        deps = session(request)
        s = await anext(deps)
        real_close = s.close
        s.close = lambda: (closed_on.append(threading.get_ident()), real_close())
        if left_open:
            s.connection()  # a read that began and never ended
        with pytest.raises(StopAsyncIteration):
            await anext(deps)
        assert not s.in_transaction()
        return threading.get_ident()

    try:
        loop_thread = asyncio.run(one_request())
        assert len(closed_on) == 1 and (closed_on[0] != loop_thread) == left_open
        assert db.engine.pool.checkedout() == 0
    finally:
        db.dispose()
