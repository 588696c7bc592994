"""How long a slider or button change takes in the connections chapter's and the troubleshooting lab's explorers.

Run: ``python benchmarks/lessons_explorers.py``. On the static site every view is precomputed and a change only
switches which one is shown; this measures what a kernel would recompute for one change: the simulation (or the
lab command) plus the drawing, with the explorers' result caches cleared before every call. The one-off cost of
building each cluster shape (the recorded phases of a scale-up and a rollout, a lab scenario's cluster) is
printed separately, as ``benchmarks/whatif.py`` does.
"""

from __future__ import annotations

import gc
import statistics
import time

from k8snet.sim.troubleshooting import load_lab
from k8snet.views import connections, troubleshooting


def _ms(f) -> float:
    gc.collect()  # each call pays for its own garbage, not for the previous call's
    t = time.perf_counter()
    f()
    return (time.perf_counter() - t) * 1000


def _p90(values: list[float]) -> float:
    return sorted(values)[int(0.9 * (len(values) - 1))]


def main() -> None:
    ex = connections.connection_reuse_explorer()
    first = [_ms(lambda n=n: connections.load_base(n)) for n in ex.controls["replicas"]]
    print(
        f"connection-reuse: building the phases, once per replica count: {', '.join(f'{t:.0f}' for t in first)} ms"
    )
    # warm each base's parsed rules once (kept by the phases, as the cluster shape is)
    for combo in ex.combinations():
        ex.outcome(*combo)
    fresh = []
    for _ in range(3):
        for combo in ex.combinations():
            connections._OUTCOMES.clear()
            ex._cache.clear()
            fresh.append(_ms(lambda combo=combo: ex.outcome(*combo)))
    print(
        f"connection-reuse: fresh change (simulation + SVG): median {statistics.median(fresh):.1f} ms, "
        f"90th percentile {_p90(fresh):.1f} ms, max {max(fresh):.1f} ms ({len(fresh)} changes)"
    )

    builds, steps, answers = [], [], []
    for sid in load_lab().scenarios:
        troubleshooting._LABS.pop(sid, None)
        builds.append(_ms(lambda sid=sid: troubleshooting.lab_for(sid)))
        st = troubleshooting.lab_steps_explorer(scenario=sid)
        an = troubleshooting.lab_answer_explorer(scenario=sid)
        for combo in st.combinations():
            troubleshooting._OUTCOMES.clear()
            st._cache.clear()
            steps.append(_ms(lambda combo=combo, st=st: st.outcome(*combo)))
        for combo in an.combinations():
            troubleshooting._OUTCOMES.clear()
            an._cache.clear()
            answers.append(_ms(lambda combo=combo, an=an: an.outcome(*combo)))
    print(
        f"lab: building a scenario's cluster: median {statistics.median(builds):.0f} ms, max {max(builds):.0f} ms"
    )
    print(
        f"lab-steps: fresh change (one command): median {statistics.median(steps):.1f} ms, "
        f"max {max(steps):.1f} ms ({len(steps)} changes)"
    )
    print(
        f"lab-answer: fresh change (the checker): median {statistics.median(answers):.2f} ms, "
        f"max {max(answers):.2f} ms ({len(answers)} changes)"
    )


if __name__ == "__main__":
    main()
