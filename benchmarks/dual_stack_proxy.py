"""What IPv6 and dual-stack cost: rendering one family or both, tracing and simulating IPv6 against IPv4.

Usage (from the repository root)::

    .venv/bin/python benchmarks/dual_stack_proxy.py      # 1,000 dual-stack Services x 10 endpoints per family
    .venv/bin/python benchmarks/dual_stack_proxy.py --services 200 --runs 1

Figures are CPU seconds of this process (``time.process_time``), the best of ``--runs`` runs (the machine is
shared: wall-clock time would measure the neighbours).

* ``render``: one full sync from the objects (``ProxyMode.render``) of the IPv4 proxier, of the IPv6 proxier, and
  of both (``k8snet.proxy.metaproxier.render_families``), per mode;
* ``trace``: :func:`k8snet.sim.trace.trace_world` of a pod's packet to the last Service's ClusterIP, per family,
  on a world whose rules are already rendered (executor work only);
* ``simulate``: 100,000 connections from 50 external clients to the last Service's NodePort, per family.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from k8snet.api.core_v1 import Node, Service  # noqa: E402
from k8snet.api.discovery_v1 import EndpointSlice  # noqa: E402
from k8snet.proxy.config import ProxierSettings  # noqa: E402
from k8snet.proxy.metaproxier import render_families  # noqa: E402
from k8snet.proxy.modes import available_modes, proxy_mode  # noqa: E402
from k8snet.sim.simulate import simulate_world  # noqa: E402
from k8snet.sim.trace import World, trace_world  # noqa: E402

NODE_IPS = ["192.168.0.2", "2001:db8::2"]
CLUSTER_CIDR = "10.0.0.0/8,fd00:10::/64"
SETTINGS = ProxierSettings(hostname="bench-node", node_ips=NODE_IPS, cluster_cidr=CLUSTER_CIDR)


def objects(n: int, endpoints: int = 10) -> tuple[list[Service], list[EndpointSlice]]:
    """``n`` RequireDualStack NodePort Services with ``endpoints`` endpoints per family."""
    services, slices = [], []
    for i in range(n):
        v4, v6 = f"172.30.{i // 250}.{i % 250 + 1}", f"fd00:172:30::{i + 1:x}"
        services.append(
            Service.model_validate(
                {
                    "metadata": {"name": f"svc{i}", "namespace": "bench"},
                    "spec": {
                        "type": "NodePort",
                        "clusterIP": v4,
                        "clusterIPs": [v4, v6],
                        "ipFamilies": ["IPv4", "IPv6"],
                        "ipFamilyPolicy": "RequireDualStack",
                        "ports": [
                            {"name": "http", "port": 80, "targetPort": 8080, "nodePort": 30000 + i % 2768}
                        ],
                    },
                }
            )
        )
        for family in ("IPv4", "IPv6"):
            addrs = [
                f"10.{(i * endpoints + e) // 65536 % 256}.{(i * endpoints + e) // 256 % 256}.{(i * endpoints + e) % 256}"
                if family == "IPv4"
                else f"fd00:10:180::{i:x}:{e + 1:x}"
                for e in range(endpoints)
            ]
            slices.append(
                EndpointSlice.model_validate(
                    {
                        "metadata": {
                            "name": f"svc{i}-{family.lower()}",
                            "namespace": "bench",
                            "labels": {"kubernetes.io/service-name": f"svc{i}"},
                        },
                        "addressType": family,
                        "endpoints": [{"addresses": [a]} for a in addrs],
                        "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
                    }
                )
            )
    return services, slices


def best(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--services", type=int, default=1000)
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args(argv)
    services, slices = objects(args.services)
    modes = [m for m, why in available_modes().items() if why is None]
    node = Node.model_validate(
        {
            "metadata": {"name": "bench-node"},
            "status": {"addresses": [{"type": "InternalIP", "address": ip} for ip in NODE_IPS]},
        }
    )
    last = args.services - 1
    print(f"{args.services} dual-stack Services x 10 endpoints per family, CPU seconds (best of {args.runs})")
    print(
        f"{'mode':<10}{'render v4':>11}{'render v6':>11}{'both':>9}{'trace v4':>10}{'trace v6':>10}"
        f"{'sim v4':>9}{'sim v6':>9}"
    )
    for mode in modes:
        m = proxy_mode(mode)
        r4 = best(lambda m=m: m.render(services, slices, SETTINGS.for_family("IPv4")), args.runs)
        r6 = best(lambda m=m: m.render(services, slices, SETTINGS.for_family("IPv6")), args.runs)
        both = best(
            lambda mode=mode: render_families(mode, services, slices, SETTINGS, ["IPv4", "IPv6"]), args.runs
        )
        world = World([node], [], services, slices, mode=mode, cluster_cidr=CLUSTER_CIDR)
        v4_ip, v6_ip = services[last].spec.clusterIPs
        trace_world(world, "10.0.0.2", f"{v4_ip}:80")  # render both families once, outside the timings
        trace_world(world, "fd00:10::2", f"[{v6_ip}]:80")
        t4 = best(lambda w=world, ip=v4_ip: trace_world(w, "10.0.0.2", f"{ip}:80"), args.runs)
        t6 = best(lambda w=world, ip=v6_ip: trace_world(w, "fd00:10::2", f"[{ip}]:80"), args.runs)
        node_port = services[last].spec.ports[0].nodePort
        s4 = best(
            lambda w=world, np=node_port: simulate_world(w, 50, f"192.168.0.2:{np}", 100_000, seed=1),
            args.runs,
        )
        s6 = best(
            lambda w=world, np=node_port: simulate_world(w, 50, f"[2001:db8::2]:{np}", 100_000, seed=1),
            args.runs,
        )
        print(f"{mode:<10}{r4:>11.3f}{r6:>11.3f}{both:>9.3f}{t4:>10.4f}{t6:>10.4f}{s4:>9.3f}{s6:>9.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
