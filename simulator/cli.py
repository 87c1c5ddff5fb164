"""`python main.py simulate --store URL [--rate N] [--duration S] [--faults] [--secret S]
[--seed N] [--start ISO]` (DESIGN.md §12): traffic until the duration is over or Ctrl+C, then a summary."""

import argparse
import os
import sys

ENV_SECRET = "MENPIAO_WEBHOOK_SECRET"
DEMO_SECRET = "demo-secret"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", required=True,
                        help="central store, e.g. http://127.0.0.1:8600 (with or without /api/v1)")
    parser.add_argument("--rate", type=float, default=1.0, help="events per second (default 1)")
    parser.add_argument("--duration", type=float, default=None,
                        help="seconds to run (default: until Ctrl+C)")
    parser.add_argument("--faults", action="store_true",
                        help="lost/late/duplicate callbacks, duplicate payments and scans, ...")
    parser.add_argument("--secret", default=None,
                        help=f"webhook secret (default: ${ENV_SECRET}, else {DEMO_SECRET})")
    parser.add_argument("--seed", type=int, default=None, help="random seed (repeatable runs)")
    parser.add_argument("--start", type=_instant, default=None, metavar="ISO",
                        help="the simulated clock starts at this aware instant "
                             "(e.g. 2026-11-21T10:00+08:00) and runs at real speed; "
                             "default: the real clock (a store on an injected clock needs this)")


def _instant(text: str):
    from datetime import datetime

    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"不是时间：{text!r}（例如 2026-11-21T10:00+08:00）") from None
    if at.tzinfo is None:
        raise argparse.ArgumentTypeError(f"时间需带时区：{text!r}（例如 2026-11-21T10:00+08:00）")
    return at


def running_clock(start, monotonic):
    """A clock that reads `start` now and runs on at real speed (`monotonic` in seconds)."""
    from datetime import timedelta

    origin = monotonic()
    return lambda: start + timedelta(seconds=monotonic() - origin)


def run(args: argparse.Namespace) -> int:
    if args.rate <= 0 or (args.duration is not None and args.duration < 0):
        print("--rate 必须大于 0，--duration 不能为负", file=sys.stderr)
        return 2
    import logging  # here, not at the top: main.py builds every parser at start-up
    import random
    import signal
    import threading
    import time
    from datetime import UTC, datetime

    from .report import summary
    from .runner import Simulator

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s")
    secret = args.secret or os.environ.get(ENV_SECRET) or DEMO_SECRET
    clock = (running_clock(args.start.astimezone(UTC), time.monotonic) if args.start
             else lambda: datetime.now(UTC))
    sim = Simulator(args.store, secret=secret, rng=random.Random(args.seed),
                    clock=clock, rate=args.rate, faults=args.faults)
    stop = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda *_: stop.set())  # Ctrl+C: stop, then report
    started = time.monotonic()
    print(f"模拟渠道流量 → {args.store}（每秒 {args.rate:g} 个事件"
          f"{'，含故障' if args.faults else ''}），Ctrl+C 结束", file=sys.stderr)
    try:
        sim.run(args.duration, stop)
    finally:
        signal.signal(signal.SIGINT, previous)
    print(summary(sim.stats, seconds=time.monotonic() - started,
                  pending=sim.scheduler.kinds()))
    return 0
