"""Run every benchmark and print one summary; results also go to bench/results/latest.json."""

import importlib
import json
import sys
import traceback
from pathlib import Path

BENCHES = ("sale_commit", "layout", "startup", "sync_push", "sync_latency", "sync_drain",
           "refunds", "anomaly_sweep", "anomaly_latency", "store_workers", "order_search",
           "report_queries")


def main(names: list[str]) -> int:
    results, failed = {}, []
    for name in names or BENCHES:
        print(f"\n== {name} ==", flush=True)
        try:
            results[name] = importlib.import_module(f"bench.{name}").run()
        except Exception:  # one broken bench must not hide the others
            traceback.print_exc()
            failed.append(name)
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print("\n== summary ==")
    print(json.dumps(results, indent=2, ensure_ascii=False))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
