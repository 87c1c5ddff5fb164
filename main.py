"""Menpiao composition root and command line (DESIGN.md §12).

`python main.py` starts the desktop client; subcommands run the other parts. Imports are done
inside each command so that one command never pays for another's start-up.
"""

import argparse
import sys


def _client(args: argparse.Namespace) -> int:
    from ui.app import run_client

    return run_client(args)


def _print_sample(args: argparse.Namespace) -> int:
    from printing.sample import print_sample

    return print_sample(args.printer, paper_mm=args.paper)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="menpiao", description="Menpiao 门票 box office")
    parser.add_argument("--lang", default="zh_CN", help="zh_CN (default) or en")
    parser.add_argument("--home", default=None,
                        help="data folder (default: the user data dir, or $MENPIAO_HOME)")
    parser.add_argument("--store", default=None, help="URL of a central store (next issue)")
    parser.add_argument("--terminal", default=None, help="window terminal id, e.g. 01")
    parser.add_argument("--printer", default=None, help="printer URI, overrides settings")
    parser.set_defaults(func=_client)
    sub = parser.add_subparsers(dest="command")

    ps = sub.add_parser("print-sample", help="print a sample ticket and receipt (test page)")
    ps.add_argument("--printer", required=True, help="tcp:HOST:PORT, usb:..., preview:DIR, ...")
    ps.add_argument("--paper", type=int, choices=(58, 80), default=80)
    ps.set_defaults(func=_print_sample)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
