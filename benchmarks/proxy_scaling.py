"""How kube-proxy's rules scale with the number of Services, per proxy mode.

Usage (from the repository root)::

    .venv/bin/python benchmarks/proxy_scaling.py            # 1,000 and 10,000 Services x 10 endpoints
    .venv/bin/python benchmarks/proxy_scaling.py --quick    # 100 and 1,000 Services (a few seconds)

Measured, for each mode whose renderer and executor exist (iptables, nftables, ipvs):

* ``generate``: seconds for one full ``syncProxyRules`` of N ClusterIP Services with 10 endpoints each (our
  renderers; real kube-proxy is Go and faster, the *growth* is what compares);
* ``rules``: how much the mode programs (iptables/nft rule lines, IPVS virtual + real servers);
* ``traversed``: rules the executor evaluates for the first packet of a new connection to the *last* Service
  (the worst case for a linear chain), counted by the executor (``rules_evaluated``): iptables walks
  ``KUBE-SERVICES`` rule by rule, so it grows linearly with N; nftables looks the destination up in the
  ``service-ips`` verdict map and IPVS in its virtual-server hash table, so they stay flat (KEP-3866,
  "nftables kube-proxy backend", Motivation: iptables' O(n) rule matching). The executor indexes long runs of
  exact-match rules internally, but still counts each rule the kernel would test.

The packet goes from a pod (10.0.0.2) on node ``bench-node`` (192.168.0.2, ``--cluster-cidr 10.0.0.0/8``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from k8snet.dataplane.packet import Packet  # noqa: E402
from k8snet.proxy.modes import available_modes  # noqa: E402
from k8snet.sim.scaling import POD_IP, SERVICE_BASE, scaling_world  # noqa: E402


def rule_count(mode: str, rules) -> int:
    if mode == "ipvs":
        return len(rules.virtual_servers) + sum(len(vs.real_servers) for vs in rules.virtual_servers)
    return sum(1 for line in rules.splitlines() if line.startswith(("-A ", "add rule", "add element")))


def measure(mode: str, n: int) -> dict:
    world = scaling_world(mode, n, endpoints=10)
    t0 = time.perf_counter()
    rules = world.rules("bench-node")
    generate = time.perf_counter() - t0
    host = world.host("bench-node")
    last = str(SERVICE_BASE + n)
    first = str(SERVICE_BASE + 1)
    pkt = Packet(POD_IP, last, dst_port=80, in_interface="veth0")
    outcomes = host.enumerate(pkt, record=False)
    traversed_last = max(o.rules_evaluated for o in outcomes)
    traversed_first = max(
        o.rules_evaluated
        for o in host.enumerate(Packet(POD_IP, first, dst_port=80, in_interface="veth0"), record=False)
    )
    t0 = time.perf_counter()
    reps = 200 if n <= 1000 else 20
    for i in range(reps):
        host.send(Packet(POD_IP, last, src_port=1024 + i, dst_port=80, in_interface="veth0"), record=False)
    per_packet = (time.perf_counter() - t0) / reps
    return {
        "mode": mode,
        "services": n,
        "generate": generate,
        "rules": rule_count(mode, rules),
        "traversed_first": traversed_first,
        "traversed_last": traversed_last,
        "send_us": per_packet * 1e6,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="100 and 1,000 Services instead of 1,000 and 10,000"
    )
    parser.add_argument("--sizes", type=int, nargs="*", help="Service counts to measure")
    args = parser.parse_args(argv)
    sizes = args.sizes or ([100, 1000] if args.quick else [1000, 10000])
    modes = [m for m, why in available_modes().items() if why is None]
    for m, why in available_modes().items():
        if why is not None:
            print(f"skipping {m}: {why}")
    print(
        f"{'mode':<9} {'services':>8} {'generate s':>10} {'rules':>8} {'traversed (first/last svc)':>27} "
        f"{'send us':>8}"
    )
    for mode in modes:
        for n in sizes:
            r = measure(mode, n)
            print(
                f"{r['mode']:<9} {r['services']:>8} {r['generate']:>10.2f} {r['rules']:>8} "
                f"{r['traversed_first']:>13}/{r['traversed_last']:<13} {r['send_us']:>8.0f}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
