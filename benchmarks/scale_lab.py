"""The scale lab: kube-proxy on one node of a cluster at Kubernetes' published scalability thresholds.

Usage (from the repository root)::

    .venv/bin/python benchmarks/scale_lab.py            # minutes; writes k8snet/data/scale/scale-lab.json
    .venv/bin/python benchmarks/scale_lab.py --quick    # a small cluster in seconds, written to /tmp

What it does, and what the book's kube-proxy chapter (section "The scale lab") reads from the JSON it writes:

1. builds :func:`k8snet.sim.scaling.threshold_cluster` -- 5,000 nodes, 10,000 Deployments of 15 Pods (150,000
   Pods, at most 31 a node) and a ClusterIP Service for each, through the API server and the controllers -- and
   records its wall-clock and CPU time and the peak resident memory of this process right after;
2. takes the node ``kind-worker`` and, for the first N of the 10,000 Services (N = 1,250, 2,500, 5,000, 10,000;
   the cluster's own ``kubernetes`` and ``kube-dns`` always included) with their EndpointSlices, feeds them to a
   kube-proxy in each mode (:func:`k8snet.sim.scaling.proxy_sync_figures`): the rules it programs and the CPU
   seconds of its first sync, of a full sync and of a partial sync after one endpoint changed, and of k8snet's
   kernel model applying the full and the partial payload (what ``iptables-restore`` and ``nft`` do on a node),
   the best of ``--runs`` runs (the machine is shared, and CPU time is what the neighbours disturb least);
3. runs the first packet of a new connection from a client Pod on that node (one that is no Service's endpoint)
   to 100 of the N Services, evenly spread over
   the chain order, through that mode's kernel model and counts the rules it tests
   (:func:`k8snet.sim.scaling.first_packet_rules`): first, last and the p01/p50/p99 over the sample.

These are timings of Python models. They compare by how they *grow* with N, not by their size: a real
``iptables-restore`` or ``nft`` is written in C and a real kernel tests a rule in nanoseconds.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import platform
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from k8snet.proxy.modes import PROXY_MODES  # noqa: E402
from k8snet.sim.scaling import (  # noqa: E402
    THRESHOLDS,
    first_packet_rules,
    percentiles,
    proxy_sync_figures,
    threshold_cluster,
)
from k8snet.sim.trace import World  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "k8snet" / "data" / "scale" / "scale-lab.json"
NODE = "kind-worker"
SAMPLE = 100


def _round(x: float) -> float:
    return float(f"{x:.4g}")


def build(quick: bool) -> tuple[object, dict]:
    def progress(done: int, total: int) -> None:
        if done % 4000 == 0 or done == total:
            print(
                f"  {done}/{total} objects, {time.perf_counter() - wall:.0f} s", file=sys.stderr, flush=True
            )

    wall, cpu = time.perf_counter(), time.process_time()
    if quick:
        cluster = threshold_cluster(nodes=51, services=500, replicas=3, progress=progress)
    else:
        cluster = threshold_cluster(progress=progress)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    per_node: dict[str, int] = {}
    for pod in cluster.store.list("Pod"):
        per_node[pod.spec.nodeName] = per_node.get(pod.spec.nodeName, 0) + 1
    figures = {
        "nodes": cluster.store.count("Node"),
        "pods": cluster.store.count("Pod"),
        "services": cluster.store.count("Service"),
        "endpointslices": cluster.store.count("EndpointSlice"),
        "max_pods_per_node": max(per_node.values()),
        "objects": sum(cluster.store.count(k) for k in cluster.store.kinds()),
        "build_wall_seconds": round(wall, 1),
        "build_cpu_seconds": round(cpu, 1),
        "peak_rss_gib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2),
    }
    return cluster, figures


def subsets(cluster, sizes: list[int]):
    """For each N: the first N app Services (name order) plus the system ones, and their EndpointSlices."""
    services = cluster.services()
    system = [s for s in services if not s.metadata.name.startswith("app")]
    apps = sorted((s for s in services if s.metadata.name.startswith("app")), key=lambda s: s.metadata.name)
    slices = cluster.endpoint_slices()
    by_service: dict[tuple[str, str], list] = {}
    for es in slices:
        name = (es.metadata.labels or {}).get("kubernetes.io/service-name", "")
        by_service.setdefault((es.metadata.namespace, name), []).append(es)
    for n in sizes:
        chosen = apps[:n] + system
        yield (
            n,
            apps[:n],
            chosen,
            [es for s in chosen for es in by_service.get((s.metadata.namespace, s.metadata.name), [])],
        )


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="50 workers, 500 Services of 3 Pods (seconds)")
    ap.add_argument("--runs", type=int, default=3, help="runs per sync timing (the best is kept)")
    ap.add_argument("--out", type=Path, help=f"where to write the JSON (default {OUT}; /tmp for --quick)")
    args = ap.parse_args(argv)
    out_path = args.out or (Path("/tmp/scale-lab-quick.json") if args.quick else OUT)

    print("building the cluster...", file=sys.stderr, flush=True)
    cluster, cluster_figures = build(args.quick)
    print(json.dumps(cluster_figures), file=sys.stderr, flush=True)
    total = THRESHOLDS["services"] if not args.quick else 500
    sizes = [total // 8, total // 4, total // 2, total]

    node = cluster.get("Node", NODE)
    # the client: a Pod on the node that is no Service's endpoint (the last address of the node's Pod CIDR, which
    # host-local has not handed out: the node runs at most 110 Pods), so no packet is a hairpin
    pod_ip = str(ipaddress.ip_network(node.spec.podCIDR)[-2])
    assert all(p.status.podIP != pod_ip for p in cluster.store.list("Pod"))
    world = World([node], [], [], [], cluster_cidr=cluster.cluster_cidr, service_cidrs=[cluster.service_cidr])
    settings = world.settings_for(NODE)
    service_cidrs = [cluster.service_cidr]

    syncs: dict[str, list] = {m: [] for m in PROXY_MODES}
    packets: dict[str, list] = {m: [] for m in PROXY_MODES}
    for n, apps, services, slices in subsets(cluster, sizes):
        step = max(1, n // SAMPLE)
        sample = apps[::step][:SAMPLE]
        if sample[-1] is not apps[-1]:
            sample[-1] = apps[-1]  # the last Service of the chain is always in the sample
        targets = [(s.spec.clusterIP, 80, "TCP") for s in sample]
        for mode in PROXY_MODES:
            best: dict[str, float] = {}
            figures: dict = {}
            for _ in range(args.runs):
                figures = proxy_sync_figures(
                    mode, services, slices, settings, service_cidrs, time.process_time, kernel=True
                )
                for k, v in figures.pop("seconds").items():
                    best[k] = min(v, best.get(k, v))
            figures["seconds"] = {k: _round(v) for k, v in best.items()}
            syncs[mode].append(figures)
            counts = first_packet_rules(
                mode, services, slices, node, pod_ip, targets, cluster.cluster_cidr, service_cidrs
            )
            packets[mode].append(
                {"services": len(services), "first": counts[0], "last": counts[-1], **percentiles(counts)}
            )
            print(
                f"{mode:<9} N={n:>6}: {figures['rules']:>7} rules {figures['elements']:>7} elements, "
                f"first {best['first']:.3f} s full {best['full']:.3f} s partial {best.get('partial', 0):.4f} s "
                f"kernel {best.get('kernel_full', 0):.3f}/{best.get('kernel_partial', 0):.4f} s, "
                f"partial payload {figures['partial_lines']} lines; first packet {packets[mode][-1]}",
                file=sys.stderr,
                flush=True,
            )

    doc = {
        "command": "python benchmarks/scale_lab.py" + (" --quick" if args.quick else ""),
        "note": (
            "CPU seconds (time.process_time) of Python models, best of "
            f"{args.runs} runs on a shared machine; compare their growth with the number of Services, not "
            "their size. Rule counts and rules tested are exact for the model."
        ),
        "machine": {"python": platform.python_version(), "system": platform.system(), "cpus": _cpus()},
        "thresholds": THRESHOLDS,
        "cluster": cluster_figures,
        "node": {"name": NODE, "pod_ip": pod_ip, "cluster_cidr": cluster.cluster_cidr},
        "sizes": sizes,
        "syncs": syncs,
        "first_packet": packets,
    }
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {out_path}", file=sys.stderr)
    return 0


def _cpus() -> int:
    import os

    return os.cpu_count() or 0


if __name__ == "__main__":
    sys.exit(main())
