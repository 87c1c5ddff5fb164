"""One sweeper across workers (DESIGN.md §13): a PostgreSQL advisory-lock leader.

Every worker runs a `Sweeper`; on PostgreSQL it sweeps only while it holds the session-level
advisory lock `SWEEP_LOCK` on a dedicated connection of its own. The lock lives as long as that
session: when the leader's process dies, PostgreSQL ends its session, the lock is free and the
next follower to try (every `RETRY_SECONDS`) takes over. The leader's connection is named
`menpiao-sweeper:PID` (`application_name`), so `pg_stat_activity` says which worker leads.
"""

import logging
import os

log = logging.getLogger(__name__)

SWEEP_LOCK = 0x6D707377  # "mpsw"; advisory locks are per database
RETRY_SECONDS = 5.0  # a follower tries to take the lead this often
APP_NAME = "menpiao-sweeper"

_HOLDER = """
SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted AND l.objid = %s
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
"""


class PgLeader:
    """`try_lead()` is True while this process holds the sweep lock; it takes the lock when it
    is free and notices when its connection (and so the lock) was lost."""

    def __init__(self, conninfo: str) -> None:
        self._conninfo = conninfo
        self._conn = None  # the dedicated connection, held while leading
        self._said: str | None = None  # the last state logged

    def try_lead(self) -> bool:
        import psycopg

        try:
            if self._conn is not None:
                self._conn.execute("SELECT 1")  # still our session, still our lock
                return True
            conn = psycopg.connect(self._conninfo, autocommit=True,
                                   application_name=f"{APP_NAME}:{os.getpid()}")
            got = conn.execute("SELECT pg_try_advisory_lock(%s)", (SWEEP_LOCK,)).fetchone()[0]
            if got:
                self._conn = conn
                self._say(f"sweeper: this worker (pid {os.getpid()}) leads")
                return True
            holder = conn.execute(_HOLDER, (SWEEP_LOCK,)).fetchone()
            conn.close()
            self._say(f"sweeper: worker pid {os.getpid()} follows "
                      f"({holder[0] if holder else 'a worker'} leads)", key="follow")
            return False
        except Exception:  # noqa: BLE001 - lost or no database: follow, try again later
            log.warning("sweeper: lost the lead or could not reach the database", exc_info=True)
            self.release()
            return False

    def _say(self, text: str, key: str | None = None) -> None:
        if self._said != (key or text):
            self._said = key or text
            log.info("%s", text)

    def release(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()  # ends the session: the lock is free at once
            except Exception:  # noqa: BLE001 - already gone
                pass
