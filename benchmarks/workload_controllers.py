"""How the workload controllers scale: N StatefulSets (3 replicas each, with their headless Services), and a
DaemonSet over N nodes.

Usage (from the repository root)::

    .venv/bin/python benchmarks/workload_controllers.py                 # N = 25, 50, 100
    .venv/bin/python benchmarks/workload_controllers.py --sizes 50 100 200 --repeat 3

Measured (wall-clock and CPU seconds of this process, best of ``--repeat`` runs; the machine may be shared):

* ``statefulsets``: ``Cluster.apply`` of one YAML file of N headless Services and N StatefulSets (3 replicas,
  ``OrderedReady``), until every controller has settled (3N Pods created one ordinal after the other, running,
  their EndpointSlices written), on kind's layout with ``ceil(3N / 100)`` workers. The StatefulSet controller is
  woken by each Pod's events and syncs only its own set, so the cost per StatefulSet should stay flat as N grows
  (linear in total).
* ``daemonset``: one DaemonSet applied on a kind cluster of N workers (N Pods, one per node).

The figures printed are the time per object and the ratio of the largest N to the smallest: linear scaling gives
a per-object time that does not grow (ratio of totals about the ratio of the sizes).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from k8snet.sim.cluster import Cluster  # noqa: E402

STS = """
apiVersion: v1
kind: Service
metadata: {{name: db{i}}}
spec:
  clusterIP: None
  selector: {{app: db{i}}}
  ports: [{{name: sql, port: 5432}}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: db{i}}}
spec:
  serviceName: db{i}
  replicas: 3
  selector: {{matchLabels: {{app: db{i}}}}}
  template:
    metadata: {{labels: {{app: db{i}}}}}
    spec: {{containers: [{{name: db, image: postgres, ports: [{{containerPort: 5432, name: sql}}]}}]}}
"""

DS = """
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: agent, image: busybox}]}
"""


def timed(fn):
    t0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - t0, time.process_time() - c0


def bench_statefulsets(n: int, repeat: int) -> tuple[float, float]:
    manifest = "---".join(STS.format(i=i) for i in range(n))
    best = (math.inf, math.inf)
    for _ in range(repeat):
        c = Cluster(preset="kind", nodes=1 + math.ceil(3 * n / 100), cluster_cidr="100.64.0.0/10")
        wall, cpu = timed(lambda c=c: c.apply(manifest))
        assert len(c.pods("default")) == 3 * n and c.settled()
        best = min(best, (wall, cpu))
    return best


def bench_daemonset(n: int, repeat: int) -> tuple[float, float]:
    best = (math.inf, math.inf)
    for _ in range(repeat):
        c = Cluster(preset="kind", nodes=n + 1, cluster_cidr="100.64.0.0/10")
        wall, cpu = timed(lambda c=c: c.apply(DS))
        assert len(c.pods("default")) == n
        best = min(best, (wall, cpu))
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[25, 50, 100])
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    for label, bench, unit in (
        ("statefulsets", bench_statefulsets, "StatefulSet"),
        ("daemonset", bench_daemonset, "node"),
    ):
        rows = []
        for n in args.sizes:
            wall, cpu = bench(n, args.repeat)
            rows.append((n, wall, cpu))
            print(
                f"{label:13s} N={n:5d}  wall {wall:7.3f} s  cpu {cpu:7.3f} s  per {unit}: {1000 * cpu / n:6.2f} ms cpu"
            )
        (n0, _, c0), (n1, _, c1) = rows[0], rows[-1]
        print(f"{label:13s} cpu ratio N={n1}/N={n0}: {c1 / c0:.2f} (sizes ratio {n1 / n0:.2f})")


if __name__ == "__main__":
    main()
