"""How long one :func:`k8snet.sim.whatif.what_if` call takes, including the SVG diagram.

Run: ``python benchmarks/whatif.py``. Prints the one-off cost of building a cluster shape, then the cost of
calls that change the Service (externalTrafficPolicy, affinity) or pod readiness (each setting computed
afresh: the result cache is cleared before every call), and of repeated settings (served from the cache).
"""

from __future__ import annotations

import statistics
import time

from k8snet.sim import whatif as wi
from k8snet.views.flow import whatif_svg
from k8snet.views.graphviz import dot_to_svg

PLACEMENT = ["kind-worker", "kind-worker", "kind-worker2"]


def _ms(f) -> float:
    t = time.perf_counter()
    f()
    return (time.perf_counter() - t) * 1000


def main() -> None:
    wi._BASES.clear()
    wi._RESULTS.clear()
    dot_to_svg.cache_clear()
    first = _ms(lambda: whatif_svg(wi.what_if(replicas=3, placement=PLACEMENT)))
    print(f"first call (builds the cluster shape): {first:.0f} ms")
    settings = [
        dict(external_traffic_policy=etp, session_affinity=aff, ready=ready)
        for etp in ("Cluster", "Local")
        for aff in ("None", "ClientIP")
        for ready in ([True, True, True], [False, True, True], [True, True, False])
    ]
    fresh = []
    for _ in range(3):
        for s in settings:
            wi._RESULTS.clear()
            dot_to_svg.cache_clear()  # SVGs are cached by DOT source: draw afresh too
            fresh.append(_ms(lambda s=s: whatif_svg(wi.what_if(replicas=3, placement=PLACEMENT, **s))))
    for s in settings:
        wi.what_if(replicas=3, placement=PLACEMENT, **s)
    cached = [_ms(lambda s=s: wi.what_if(replicas=3, placement=PLACEMENT, **s)) for s in settings]
    print(
        f"fresh setting, with SVG: median {statistics.median(fresh):.1f} ms, max {max(fresh):.1f} ms "
        f"({len(fresh)} calls)"
    )
    print(f"cached setting, no SVG:  median {statistics.median(cached) * 1000:.0f} us")


if __name__ == "__main__":
    main()
