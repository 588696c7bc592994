"""How kube-proxy's syncs and rules scale with the number of Services, per proxy mode.

Usage (from the repository root)::

    .venv/bin/python benchmarks/proxy_scaling.py            # 1,000 and 10,000 Services x 10 endpoints
    .venv/bin/python benchmarks/proxy_scaling.py --quick    # 100 and 1,000 Services (a few seconds)
    .venv/bin/python benchmarks/proxy_scaling.py --sizes 10000 --sync-only --runs 3

**Syncs** (CPU seconds of this process, ``time.process_time``, the best of ``--runs`` runs; the machine is
shared, so wall-clock times would measure the neighbours), per mode, for N ClusterIP Services with 10 endpoints
each, fed to the mode's proxier as informer events:

* ``floor``: formatting that many lines in Python and nothing else -- one f-string per line of the full sync's
  payload (iptables: the ``iptables-restore`` input; nftables: the transaction), from values split off the
  real lines beforehand, joined. Every figure is also given as a multiple of it (``x``).
* ``render``: the pure function (``render_iptables``/``render_nftables``/``render_ipvs``) from the objects: a
  full sync from scratch, deriving Service ports, endpoints and chain names on the way.
* ``events``: handing the N Services and N EndpointSlices to the proxier (``on_service_add``...).
* ``first``: its first sync (applies every pending change -- endpoints, chain names -- and writes everything).
* ``full``: a forced full sync that works out every Service port's rules again from the proxier's maps
  (``forget_rendered``): what upstream's ``syncProxyRules`` does on a full sync with nothing pending.
* ``full (kept)``: the same full sync reusing each Service port's text from the last sync (unchanged objects).
* ``partial``: the sync after one EndpointSlice lost an endpoint (KEP-3453's partial sync; nftables: only the
  changed Service's chains and elements).
* ``kernel full``/``kernel partial``: what our in-memory kernel (``k8snet.dataplane``: ``IPTables.restore_all``,
  ``NFTables.run``) takes to apply the full and the partial payload; the proxier timings above use a kernel stub
  that applies nothing, so they are kube-proxy's own work.

IPVS has no partial syncs: every sync recomputes the whole state (``full``), as upstream.

**Traversal** (unless ``--sync-only``), for each mode whose renderer and executor exist:

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
import gc
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from k8snet.dataplane.packet import Packet  # noqa: E402
from k8snet.proxy.config import ProxierSettings  # noqa: E402
from k8snet.proxy.modes import available_modes  # noqa: E402
from k8snet.sim.scaling import POD_IP, SERVICE_BASE, scaling_objects, scaling_world  # noqa: E402

SETTINGS = ProxierSettings(hostname="bench-node", node_ips=["192.168.0.2"], cluster_cidr="10.0.0.0/8")
SERVICE_CIDRS = ["172.30.0.0/16"]


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


# --- syncs ------------------------------------------------------------------------------------------------


class _NullIPTables:
    """A kernel that applies nothing (``chain_names`` is empty, so no stale chain is ever found)."""

    version = 0

    def ensure_chain(self, *args) -> bool:
        return True

    def ensure_rule(self, *args) -> bool:
        return True

    def chain_names(self, table: str) -> set[str]:
        return set()

    def restore_all(self, text: str, noflush: bool = True) -> None:
        pass


class _NullNFTables:
    version = 0

    def run(self, text: str) -> None:
        pass

    def list(self, *args) -> list[str]:
        return []


def _cpu(fn: Callable[[], object]) -> tuple[float, object]:
    t0 = time.process_time()
    out = fn()
    return time.process_time() - t0, out


def floor_seconds(text: str) -> float:
    """Formatting the lines of ``text`` with one f-string each from values split off beforehand."""
    parts = [line.split(" ", 2) + ["", ""] for line in text.splitlines()]
    parts = [(p[0], p[1], p[2]) for p in parts]
    t, _ = _cpu(lambda: "".join([f"{a} {b} {c}\n" for a, b, c in parts]))
    return t


def sync_run(mode: str, n: int) -> dict[str, float]:
    services, slices, _ = scaling_objects(n, 10)
    gc.collect()
    out: dict[str, float] = {}
    if mode == "iptables":
        from k8snet.dataplane.netfilter import IPTables
        from k8snet.proxy.iptables import IPTablesProxier, render_iptables

        out["render"], text = _cpu(lambda: render_iptables(services, slices, SETTINGS))
        proxier = IPTablesProxier(SETTINGS, iptables=_NullIPTables())
    elif mode == "nftables":
        from k8snet.dataplane.nft import NFTables
        from k8snet.proxy.nftables import NftablesProxier, render_nftables

        out["render"], _ = _cpu(
            lambda: render_nftables(services, slices, SETTINGS, service_cidrs=SERVICE_CIDRS)
        )
        proxier = NftablesProxier(SETTINGS, SERVICE_CIDRS, nftables=_NullNFTables())
    else:
        from k8snet.proxy.ipvs import IPVSProxier, render_ipvs

        out["render"], _ = _cpu(lambda: render_ipvs(services, slices, SETTINGS))
        proxier = IPVSProxier(SETTINGS)

    def deliver() -> None:
        for s in services:
            proxier.on_service_add(s)
        for es in slices:
            proxier.on_endpointslice_add(es)

    out["events"], _ = _cpu(deliver)
    out["first"], first = _cpu(proxier.sync)
    if mode != "ipvs":
        proxier.forget_rendered()
        out["full"], _ = _cpu(proxier.force_sync)
        out["full (kept)"], full = _cpu(proxier.force_sync)
        out["floor"] = floor_seconds(full.payload)
    else:
        out["full"], _ = _cpu(proxier.sync)
    old = slices[n // 2]
    new = old.model_copy(update={"endpoints": old.endpoints[:-1]})
    proxier.on_endpointslice_update(old, new)
    out["partial"], partial = _cpu(proxier.sync)
    if mode == "iptables":
        kernel = IPTables()
        kernel.ensure_chain("nat", "KUBE-SERVICES")
        out["kernel full"], _ = _cpu(lambda: kernel.restore_all(full.payload))
        out["kernel partial"], _ = _cpu(lambda: kernel.restore_all(partial.payload))
    elif mode == "nftables":
        kernel = NFTables()
        out["kernel full"], _ = _cpu(lambda: kernel.run(full.payload))
        out["kernel partial"], _ = _cpu(lambda: kernel.run(partial.payload))
    out["lines"] = full.payload.count("\n") if mode != "ipvs" else 0
    return out


SYNC_COLUMNS = (
    "floor",
    "render",
    "events",
    "first",
    "full",
    "full (kept)",
    "partial",
    "kernel full",
    "kernel partial",
)


def print_syncs(modes: list[str], sizes: list[int], runs: int) -> None:
    print(f"syncs: CPU seconds, best of {runs} run(s); (x) = multiple of the formatting floor")
    print(f"{'mode':<9} {'services':>8} {'lines':>8} " + " ".join(f"{c:>16}" for c in SYNC_COLUMNS))
    for mode in modes:
        for n in sizes:
            best: dict[str, float] = {}
            for _ in range(runs):
                for k, v in sync_run(mode, n).items():
                    best[k] = min(v, best.get(k, v))
            floor = best.get("floor")
            cells = []
            for c in SYNC_COLUMNS:
                if c not in best:
                    cells.append(f"{'-':>16}")
                elif floor and c != "floor":
                    cells.append(f"{best[c]:>8.3f} ({best[c] / floor:>4.1f}x)")
                else:
                    cells.append(f"{best[c]:>16.3f}")
            print(f"{mode:<9} {n:>8} {int(best['lines']):>8} " + " ".join(cells), flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="100 and 1,000 Services instead of 1,000 and 10,000"
    )
    parser.add_argument("--sizes", type=int, nargs="*", help="Service counts to measure")
    parser.add_argument("--runs", type=int, default=1, help="runs per sync measurement (the best is kept)")
    parser.add_argument("--modes", nargs="*", help="modes to measure (default: all available)")
    parser.add_argument("--sync-only", action="store_true", help="only the sync table")
    args = parser.parse_args(argv)
    sizes = args.sizes or ([100, 1000] if args.quick else [1000, 10000])
    available = [m for m, why in available_modes().items() if why is None]
    for m, why in available_modes().items():
        if why is not None:
            print(f"skipping {m}: {why}")
    modes = [m for m in (args.modes or available) if m in available]
    print_syncs(modes, sizes, args.runs)
    if args.sync_only:
        return 0
    print()
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
