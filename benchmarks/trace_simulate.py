"""What a whole-cluster trace and a traffic simulation cost.

Usage (from the repository root)::

    .venv/bin/python benchmarks/trace_simulate.py
    .venv/bin/python benchmarks/trace_simulate.py --connections 1000000

Measured on a kind-like cluster (3 nodes, a 3-replica Deployment behind a ClusterIP Service, a NodePort Service
and a ClientIP-affinity Service), per proxy mode that can be traced:

* ``first trace``: :func:`k8snet.sim.trace.trace` including rendering every node's rules (nothing cached);
* ``trace``: one more trace on the cached per-node rules (every endpoint enumerated, steps recorded);
* ``simulate``: connections per second of :func:`k8snet.sim.simulate.simulate` for a pod client to the ClusterIP,
  50 external clients to the NodePort spread over all nodes, and 50 external clients to the affinity Service
  (which sends each client's first connection, and each one after the affinity expired, through a stateful
  executor).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from k8snet.proxy.modes import available_modes  # noqa: E402
from k8snet.sim.cluster import Cluster  # noqa: E402
from k8snet.sim.simulate import simulate  # noqa: E402
from k8snet.sim.trace import trace  # noqa: E402

APP = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: web-np}
spec: {type: NodePort, selector: {app: web}, ports: [{port: 80, targetPort: 8080, nodePort: 30080}]}
---
apiVersion: v1
kind: Service
metadata: {name: sticky}
spec:
  selector: {app: web}
  sessionAffinity: ClientIP
  sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec: {containers: [{name: c, image: busybox}]}
"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--connections", type=int, default=100_000)
    args = parser.parse_args(argv)
    modes = [m for m, why in available_modes().items() if why is None]
    n = args.connections
    print(
        f"{'mode':<9} {'first trace ms':>14} {'trace ms':>9} {'ClusterIP conn/s':>17} {'NodePort conn/s':>16} "
        f"{'affinity conn/s':>16}"
    )
    for mode in modes:
        cluster = Cluster()
        cluster.apply(APP)
        t0 = time.perf_counter()
        trace(cluster, "default/client", "web:80", mode=mode)
        first = time.perf_counter() - t0
        t0 = time.perf_counter()
        reps = 20
        for seed in range(reps):
            trace(cluster, "default/client", "web:80", mode=mode, seed=seed)
        per = (time.perf_counter() - t0) / reps
        rates = []
        for clients, dest, kw in (
            (["default/client"], "web:80", {}),
            (50, f"{cluster.node_ip('kind-worker')}:30080", {"spread": "nodes"}),
            (50, "sticky:80", {"spread": "kind-worker", "duration": 36_000}),
        ):
            t0 = time.perf_counter()
            simulate(cluster, clients, dest, connections=n, mode=mode, **kw)
            rates.append(n / (time.perf_counter() - t0))
        print(
            f"{mode:<9} {first * 1e3:>14.1f} {per * 1e3:>9.2f} {rates[0]:>17,.0f} {rates[1]:>16,.0f} "
            f"{rates[2]:>16,.0f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
