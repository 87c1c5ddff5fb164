"""The print worker: one background thread that takes jobs from the queue and prints them.

A sale commits first and only enqueues its print jobs; this thread prints them later, so a
printer problem never blocks or loses a sale. Before each job the printer's status is read
(where the connection can read back): offline, paper out or cover open put the job back
untried, with the reason for the clerk, and the worker checks the printer every couple of
seconds until the fault clears, then carries on; while it knows of a fault it claims nothing, so
jobs queued meanwhile simply stay pending. A job whose sending fails is retried a few
times and then marked failed; the clerk retries it from the queue. Everything the UI needs
arrives as `PrinterEvent`s through a plain callback — no Qt here — and nothing raises into
the caller.
"""

import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from zoneinfo import ZoneInfo

from .devices import PrinterDevice, PrinterUnavailable, open_device
from .jobs import (
    Clock,
    EventKind,
    EventSink,
    JobStore,
    PrinterConfig,
    PrinterEvent,
    PrinterState,
    PrintJob,
)
from .layouts import render_job
from .preview import PreviewDevice, page_name
from .status import STATUS_TIMEOUT_S, read_status
from .uris import parse_printer_uri

log = logging.getLogger(__name__)

DeviceOpener = Callable[..., PrinterDevice]


class PrintWorker:
    """`start()` it once; `wake()` it after enqueuing; `stop()` joins the thread."""

    def __init__(self, store: JobStore, printer_config_provider: Callable[[], PrinterConfig],
                 clock: Clock, on_event: EventSink, *, poll_interval: float = 1.0,
                 recheck_interval: float = 2.0, retry_delays: Sequence[float] = (2.0, 10.0),
                 max_attempts: int = 3, status_timeout: float = STATUS_TIMEOUT_S,
                 idle_check_interval: float = 30.0, opener: DeviceOpener = open_device) -> None:
        self.store = store
        self.config_provider = printer_config_provider
        self.clock = clock
        self.on_event = on_event
        self.poll_interval = poll_interval
        self.recheck_interval = recheck_interval
        self.retry_delays = tuple(retry_delays)
        self.max_attempts = max_attempts
        self.status_timeout = status_timeout
        self.idle_check_interval = idle_check_interval
        self.opener = opener
        self.state = PrinterState.UNKNOWN
        self.state_message = ""
        self._last_probe = float("-inf")  # monotonic time of the last status check
        self._probed_uri: str | None = None  # the printer that check was of
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    # --- thread control ---------------------------------------------------------------------

    def start(self) -> None:
        """Start the thread (once)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="print-worker", daemon=True)
            self._thread.start()

    def wake(self) -> None:
        """New jobs or new settings: look now instead of at the next poll."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the thread to finish its current job and wait for it."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("print worker still busy after %.0f s", timeout)

    @property
    def running(self) -> bool:
        """Whether the thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        while not self._stopping.is_set():
            delay = self.step()
            if delay > 0:
                self._wake.wait(delay)
                self._wake.clear()

    # --- one step -----------------------------------------------------------------------------

    def step(self) -> float:
        """Print the next due job, or check a faulty printer. Returns seconds to wait next."""
        try:
            return self._step()
        except Exception:  # the store or a callback failed: log, keep the thread alive
            log.exception("print worker step failed")
            return self.recheck_interval

    def _step(self) -> float:
        config = self._config()
        if config is None:
            return self.recheck_interval
        if self.state.blocks_printing and not self._probe(config):
            return self.recheck_interval
        job = self.store.claim_next(self.clock())
        if job is None:
            self._idle_check(config)
            return self.poll_interval
        self._print(job, config)
        return 0.0

    def _idle_check(self, config: PrinterConfig) -> None:
        """While idle, read a printer that can answer now and then, so the status bar is
        right (paper out, cover open) before the next sale rather than after it. A printer
        not checked yet (at start, or just chosen in the settings) is opened once even when
        it cannot answer: reachable is 就绪, unreachable 脱机 — not 未知 until the first job."""
        due = time.monotonic() - self._last_probe >= self.idle_check_interval
        if config.uri != self._probed_uri or (due and parse_printer_uri(config.uri).can_read):
            self._probe(config)

    def _config(self) -> PrinterConfig | None:
        try:
            config = self.config_provider()
            parse_printer_uri(config.uri)
        except ValueError as exc:
            self._set_state(PrinterState.ERROR, str(exc))
            return None
        return config

    def _probe(self, config: PrinterConfig) -> bool:
        """Check the printer without printing; True when jobs may be sent."""
        self._last_probe, self._probed_uri = time.monotonic(), config.uri
        device = self._open(config)
        if device is None:
            return False
        try:
            return self._check(device) is None
        except PrinterUnavailable as exc:
            self._set_state(PrinterState.OFFLINE, exc.message)
            return False
        finally:
            device.close()

    def _open(self, config: PrinterConfig) -> PrinterDevice | None:
        try:
            return self.opener(config.uri, profile=config.profile)
        except PrinterUnavailable as exc:
            self._set_state(PrinterState.OFFLINE, exc.message)
        return None

    def _check(self, device: PrinterDevice) -> PrinterState | None:
        """Read the status; the blocking state, or None when printing may go ahead."""
        report = read_status(device, self.status_timeout)
        if report.state.blocks_printing:
            self._set_state(report.state, f"打印机{report.state.label}")
            return report.state
        if report.state is PrinterState.READY or not device.can_read:
            self._set_state(PrinterState.READY, "纸张将尽" if report.paper_near_end else "")
        else:  # many printers never answer DLE EOT: print anyway
            self._set_state(PrinterState.UNKNOWN, "打印机不回应状态查询")
        return None

    # --- printing a job -----------------------------------------------------------------------

    def _print(self, job: PrintJob, config: PrinterConfig) -> None:
        try:
            data = render_job(job.kind, job.payload, config.profile)
        except Exception as exc:  # a payload we cannot lay out will not get better
            log.exception("cannot lay out print job %s", job.id)
            self._fail(job, f"单据无法排版：{exc}", final=True)
            return
        device = self._open(config)
        if device is None:
            self._hold(job, self.state_message)
            return
        if isinstance(device, PreviewDevice):
            printed_at = self.clock().astimezone(ZoneInfo(config.zone))
            device.name = page_name(printed_at, job.kind, job.payload)
        try:
            self._send(job, device, data)
        finally:
            device.close()

    def _send(self, job: PrintJob, device: PrinterDevice, data: bytes) -> None:
        try:
            blocked = self._check(device)
        except PrinterUnavailable as exc:
            self._set_state(PrinterState.OFFLINE, exc.message)
            blocked = PrinterState.OFFLINE
        if blocked is not None:
            self._hold(job, self.state_message)
            return
        try:
            device.write(data)
            after = self._check(device) if device.can_read else None
        except PrinterUnavailable as exc:
            self._set_state(PrinterState.OFFLINE, exc.message)
            self._fail(job, exc.message, final=job.attempts >= self.max_attempts)
            return
        if after is not None:
            self._fail(job, f"打印过程中打印机{after.label}：请检查这张是否完整打出，"
                            "没有打出请在打印队列中重试", final=True)
            return
        self.store.mark_done(job.id, self.clock())
        self._publish(EventKind.JOB_PRINTED, job, "已打印")

    def _hold(self, job: PrintJob, reason: str) -> None:
        """Back to the queue untried; printed as soon as the printer is ready again."""
        message = f"等待打印机：{reason}" if reason else "等待打印机"
        self.store.release(job.id, error=message, retry_at=None, now=self.clock())
        self._publish(EventKind.JOB_HELD, job, message)

    def _fail(self, job: PrintJob, error: str, *, final: bool) -> None:
        now = self.clock()
        if final:
            self.store.mark_failed(job.id, error, now, None)
            self._publish(EventKind.JOB_FAILED, job, error)
            return
        delay = self.retry_delays[min(job.attempts, len(self.retry_delays)) - 1]
        self.store.mark_failed(job.id, error, now, now + timedelta(seconds=delay))
        self._publish(EventKind.JOB_HELD, job, error)

    # --- events -------------------------------------------------------------------------------

    def _set_state(self, state: PrinterState, message: str) -> None:
        if (state, message) == (self.state, self.state_message):
            return
        changed = state is not self.state
        self.state, self.state_message = state, message
        if changed:
            self._emit(PrinterEvent(EventKind.STATE_CHANGED, state, message=message))

    def _publish(self, kind: EventKind, job: PrintJob, message: str) -> None:
        self._emit(PrinterEvent(kind, self.state, job.id, job.kind, message))

    def _emit(self, event: PrinterEvent) -> None:
        try:
            self.on_event(event)
        except Exception:
            log.exception("print event handler failed for %s", event.kind)

