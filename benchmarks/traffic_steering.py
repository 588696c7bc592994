"""How long a control change takes in the traffic-steering chapter's explorer.

Run: ``python benchmarks/traffic_steering.py``. On the static site every view is precomputed and a change only
switches which one is shown; this measures what a kernel recomputes for one change, as
``benchmarks/lessons_explorers.py`` does for the other lesson explorers: the whole outcome (a fresh zonal
cluster with its Deployments and Service, the controllers, the rules of every worker, one trace per worker, the
per-zone table and the graphviz diagram rendered to SVG), with the explorer's cache cleared before every call.
The precomputation of all 64 combinations (what the book build does once) is printed too.
"""

from __future__ import annotations

import gc
import statistics
import time

from k8snet.views import steering


def _ms(f) -> float:
    gc.collect()  # each call pays for its own garbage, not for the previous call's
    t = time.perf_counter()
    f()
    return (time.perf_counter() - t) * 1000


def _p90(values: list[float]) -> float:
    return sorted(values)[int(0.9 * (len(values) - 1))]


def main() -> None:
    ex = steering.traffic_steering_explorer()
    all_ms = _ms(ex.outcomes)
    print(f"traffic-steering: precomputing {len(ex.combinations())} combinations: {all_ms:.0f} ms")
    fresh = []
    for _ in range(2):
        for combo in ex.combinations():
            ex._cache.clear()
            fresh.append(_ms(lambda combo=combo: ex.outcome(*combo)))
    print(
        f"traffic-steering: fresh change (cluster + rules + traces + SVG): median {statistics.median(fresh):.1f} ms, "
        f"90th percentile {_p90(fresh):.1f} ms, max {max(fresh):.1f} ms ({len(fresh)} changes)"
    )
    print(f"traffic-steering: page content {ex.content_bytes()} bytes of distinct outcomes")


if __name__ == "__main__":
    main()
