"""What a second IP family costs the control plane: the same apps on an IPv4 and on a dual-stack cluster.

Usage (from the repository root)::

    .venv/bin/python benchmarks/dual_stack.py                    # N = 100 and 1,000
    .venv/bin/python benchmarks/dual_stack.py --sizes 100 --repeat 3

For each N and each cluster (``kind`` with ``ip_families=("IPv4",)``, ``kind-dual``), ``Cluster.apply`` of N
Deployments (3 replicas each) and N ``PreferDualStack`` ClusterIP Services selecting them, until every controller
has settled: on the dual-stack cluster each Service gets two ClusterIPs, each Pod two addresses and each Service two
EndpointSlices. Kind's layout with ``ceil(3N / 100)`` workers. Printed: CPU seconds of this process (best of
``--repeat``; the machine may be shared) and the number of EndpointSlices, and the dual/IPv4 ratio.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from k8snet.sim.cluster import Cluster  # noqa: E402


def manifest(n: int) -> str:
    docs = []
    for i in range(n):
        docs.append(
            f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: app{i}}}
spec:
  replicas: 3
  selector: {{matchLabels: {{app: app{i}}}}}
  template:
    metadata: {{labels: {{app: app{i}}}}}
    spec: {{containers: [{{name: web, image: nginx, ports: [{{containerPort: 80}}]}}]}}
---
apiVersion: v1
kind: Service
metadata: {{name: app{i}}}
spec: {{ipFamilyPolicy: PreferDualStack, selector: {{app: app{i}}}, ports: [{{port: 80}}]}}"""
        )
    return "\n---\n".join(docs)


def run(n: int, families: tuple[str, ...]) -> tuple[float, int]:
    workers = math.ceil(3 * n / 100)
    cidrs = {"IPv4": "100.64.0.0/10", "IPv6": "fd00:10:244::/48"}
    cluster = Cluster(
        preset="kind", nodes=workers + 1, ip_families=families, cluster_cidr=[cidrs[f] for f in families]
    )
    text = manifest(n)
    start = time.process_time()
    cluster.apply(text)
    return time.process_time() - start, len(cluster.endpoint_slices("default"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    print(f"{'N':>6}  {'IPv4 s':>8}  {'slices':>7}  {'dual s':>8}  {'slices':>7}  {'dual/IPv4':>9}")
    for n in args.sizes:
        v4 = min((run(n, ("IPv4",)) for _ in range(args.repeat)), key=lambda r: r[0])
        dual = min((run(n, ("IPv4", "IPv6")) for _ in range(args.repeat)), key=lambda r: r[0])
        print(f"{n:>6}  {v4[0]:>8.2f}  {v4[1]:>7}  {dual[0]:>8.2f}  {dual[1]:>7}  {dual[0] / v4[0]:>9.2f}")


if __name__ == "__main__":
    main()
