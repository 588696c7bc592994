"""How the control plane scales: applying an app's manifests, scaling a Deployment, the threshold cluster.

Usage (from the repository root)::

    .venv/bin/python benchmarks/control_plane.py                       # N = 100 and 1,000; scale to 1,000 and back
    .venv/bin/python benchmarks/control_plane.py --sizes 100 1000 10000 --repeat 3
    .venv/bin/python benchmarks/control_plane.py --threshold           # 5,000 nodes / 150,000 Pods / 10,000 Services

Measured (wall-clock and CPU seconds of this process, best of ``--repeat`` runs; the machine may be shared, and
the CPU time is what the load of other processes disturbs least):

* ``apply``: ``Cluster.apply`` of one YAML file of N Deployments (3 replicas each) and N ClusterIP Services
  selecting them, decoding included, until every controller has settled (Pods scheduled and running,
  EndpointSlices and Endpoints written). The cluster has room for the Pods as a real one would: kind's layout with
  ``ceil(3N / 100)`` workers (at most 110 Pods per node) and ``--cluster-cidr 100.64.0.0/10``.
  The issue's targets: at most 3 s at N = 100, 30 s at N = 1,000, and a 1,000/100 ratio of at most 15.
* ``scale``: ``kubectl scale deployment web --replicas=1000`` from 3 on a kind cluster with 11 workers (room for
  1,000 Pods), then back to 3 (the 997 Pods terminate gracefully); target: at most 5 s each. Then
  ``--replicas=2147483647``: the write returns once its work budget (``Cluster.work_budget`` store writes) is spent,
  with the Pods made so far; then one ``clock.advance``, which settles with a budget of its own.
* ``threshold``: :func:`k8snet.sim.scaling.threshold_cluster` built in a child process (so its peak resident
  memory is its own), with its time; target: peak memory at most 8 GiB.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from k8snet.sim.cluster import Cluster  # noqa: E402


def app_manifest(n: int) -> str:
    """One YAML file: N Deployments × 3 replicas and N Services."""
    docs = []
    for i in range(n):
        name = f"app{i:05d}"
        docs.append(
            f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}}}
spec:
  replicas: 3
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec: {{containers: [{{name: web, image: nginx, ports: [{{containerPort: 80}}]}}]}}
---
apiVersion: v1
kind: Service
metadata: {{name: {name}}}
spec: {{selector: {{app: {name}}}, ports: [{{port: 80}}]}}
"""
        )
    return "---\n".join(docs)


def timed(fn) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def best(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return min(r[0] for r in runs), min(r[1] for r in runs)


def apply_file(cluster: Cluster, text: str) -> None:
    """``cluster.apply(text)`` (kube-apiserver's 3 MiB request limit is per object, so the N = 10,000 file of about
    5 MB applies as it is), then let the controllers finish what one request's work budget left queued (a real
    cluster's controllers go on after ``kubectl apply`` has returned)."""
    cluster.apply(text)
    if not cluster.settled():
        cluster.reconcile(budget=math.inf)


def bench_apply(n: int, repeat: int) -> tuple[float, float]:
    text = app_manifest(n)
    runs = []
    for _ in range(repeat):
        cluster = Cluster(nodes=math.ceil(3 * n / 100) + 1, cluster_cidr="100.64.0.0/10")
        runs.append(timed(lambda c=cluster: apply_file(c, text)))
        assert len(cluster.pods("default")) == 3 * n
        assert all(p.status.podIP for p in cluster.pods("default"))
    return best(runs)


def bench_scale(repeat: int) -> tuple[tuple[float, float], tuple[float, float]]:
    ups, downs = [], []
    for _ in range(repeat):
        cluster = Cluster(nodes=12)
        cluster.kubectl("create deployment web --image=nginx --replicas=3 --port=80")
        cluster.kubectl("expose deployment web --port=80")
        ups.append(timed(lambda c=cluster: c.kubectl("scale deployment web --replicas=1000")))
        assert sum(1 for p in cluster.pods("default") if p.status.phase == "Running") == 1000
        downs.append(timed(lambda c=cluster: c.kubectl("scale deployment web --replicas=3")))
        cluster.clock.advance(30)  # grace periods over: the terminated Pods are gone
        assert len(cluster.pods("default")) == 3
    return best(ups), best(downs)


def bench_max_int32() -> dict:
    """``kubectl scale --replicas=2147483647``: the time and writes of the write and of the next clock advance."""
    cluster = Cluster(nodes=12)
    cluster.kubectl("create deployment web --image=nginx --replicas=3 --port=80")
    out: dict = {"budget": cluster.work_budget}
    for step, fn in (
        ("scale", lambda: cluster.kubectl("scale deployment web --replicas=2147483647")),
        ("advance", lambda: cluster.clock.advance(1)),
    ):
        rv = cluster.store.resource_version
        wall, cpu = timed(fn)
        out[step] = (wall, cpu, cluster.store.resource_version - rv, len(cluster.pods("default")))
    return out


def threshold_child() -> None:
    """Build the threshold cluster; print one JSON line with the figures."""
    from k8snet.sim.scaling import threshold_cluster

    def progress(done: int, total: int) -> None:
        if done % 4000 == 0 or done == total:
            print(
                f"  {done}/{total} objects, {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True
            )

    start = time.perf_counter()
    cpu = time.process_time()
    cluster = threshold_cluster(progress=progress)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    per_node: dict[str, int] = {}
    for pod in cluster.store.list("Pod"):
        per_node[pod.spec.nodeName] = per_node.get(pod.spec.nodeName, 0) + 1
    print(
        json.dumps(
            {
                "wall": wall,
                "cpu": cpu,
                "peak_rss_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
                "nodes": cluster.store.count("Node"),
                "pods": cluster.store.count("Pod"),
                "services": cluster.store.count("Service"),
                "endpointslices": cluster.store.count("EndpointSlice"),
                "events": cluster.store.count("Event"),
                "max_pods_per_node": max(per_node.values()),
                "objects": sum(cluster.store.count(k) for k in cluster.store.kinds()),
            }
        )
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[100, 1000])
    ap.add_argument("--repeat", type=int, default=3, help="runs per figure (the best is printed)")
    ap.add_argument("--no-scale", action="store_true")
    ap.add_argument("--threshold", action="store_true", help="also build the threshold cluster (minutes)")
    ap.add_argument("--threshold-child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.threshold_child:
        threshold_child()
        return

    results: dict[int, tuple[float, float]] = {}
    print(f"apply N Deployments x 3 replicas + N Services (best of {args.repeat}):")
    for n in args.sizes:
        repeat = args.repeat if n <= 1000 else 1
        results[n] = bench_apply(n, repeat)
        wall, cpu = results[n]
        print(f"  N={n:>6}: {wall:7.2f} s wall  {cpu:7.2f} s cpu  ({3 * n} Pods)", flush=True)
    if 100 in results and 1000 in results:
        print(
            f"  ratio 1000/100: {results[1000][0] / results[100][0]:.1f} (wall)  "
            f"{results[1000][1] / results[100][1]:.1f} (cpu)"
        )
    if not args.no_scale:
        (uw, uc), (dw, dc) = bench_scale(args.repeat)
        print(f"kubectl scale deployment --replicas=1000 (best of {args.repeat}):")
        print(f"  3 -> 1000: {uw:6.2f} s wall  {uc:6.2f} s cpu")
        print(f"  1000 -> 3: {dw:6.2f} s wall  {dc:6.2f} s cpu")
        r = bench_max_int32()
        print(
            f"kubectl scale deployment --replicas=2147483647 (work budget {r['budget']} writes per settle):"
        )
        for step in ("scale", "advance"):
            wall, cpu, writes, pods = r[step]
            label = "the write" if step == "scale" else "clock.advance(1)"
            print(f"  {label:>16}: {wall:6.2f} s wall  {cpu:6.2f} s cpu  {writes} writes, {pods} Pods after")
    if args.threshold:
        print(
            "threshold cluster (5,000 nodes, 150,000 Pods, 10,000 Services), in a child process:", flush=True
        )
        out = subprocess.run(
            [sys.executable, __file__, "--threshold-child"], check=True, capture_output=True, text=True
        )
        figures = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"  built in {figures['wall']:.0f} s wall ({figures['cpu']:.0f} s cpu), peak memory "
            f"{figures['peak_rss_gib']:.2f} GiB"
        )
        print(
            f"  {figures['nodes']} nodes, {figures['pods']} Pods (at most {figures['max_pods_per_node']} per node), "
            f"{figures['services']} Services, {figures['endpointslices']} EndpointSlices, {figures['events']} Events, "
            f"{figures['objects']} objects in all"
        )


if __name__ == "__main__":
    main()
