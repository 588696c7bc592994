"""Which Service port and endpoint each chain, set and map of kube-proxy's nftables table belongs to.

kube-proxy's nftables mode (kubernetes/kubernetes ``pkg/proxy/nftables/proxier.go``) names its per-service objects
after the Service port, so no comment is needed: ``service-HASH-ns/name/proto/port`` (all usable endpoints),
``local-`` (local endpoints), ``external-`` (traffic to external addresses), ``firewall-``
(loadBalancerSourceRanges), ``endpoint-HASH-ns/name/proto/port__IP/PORT`` (IPv6 colons written as dots) and the
session-affinity sets ``affinity-...``. Long names are cut to 240 characters with ``...``. Entry points are the
elements of the maps ``service-ips`` (``ADDR . PROTO . PORT : goto CHAIN``), ``service-nodeports``,
``firewall-ips``, ``no-endpoint-services`` and ``no-endpoint-nodeports`` (whose elements carry the Service port in a
comment). A service chain picks an endpoint with ``numgen random mod N vmap { 0 : goto E0, ... }``: each of the N
slots gets 1/N of new connections.
"""

from __future__ import annotations

import ipaddress
import re

from k8snet.dataplane.explain.model import ChainInfo, EndpointShare, ServicePortReport, Unattributed
from k8snet.i18n import N_, message
from k8snet.rules.nftables.blocks import NftRuleset, NftTableBlock, split_items

__all__ = ["explain_nft", "KUBE_PROXY_NFT_CHAINS"]

#: kube-proxy's fixed chains in its nftables table (pkg/proxy/nftables/proxier.go).
KUBE_PROXY_NFT_CHAINS = {
    "services": "entry point: vmap lookups in service-ips and service-nodeports",
    "masquerading": "masquerades packets carrying the 0x4000 mark",
    "mark-for-masquerade": "sets the 0x4000 masquerade mark",
    "service-endpoints-check": "drops/rejects traffic to Services without endpoints",
    "nodeport-endpoints-check": "drops/rejects NodePort traffic to Services without endpoints",
    "firewall-check": "drops traffic not allowed by loadBalancerSourceRanges",
    "cluster-ips-check": "rejects traffic to unallocated cluster IPs",
    "reject-chain": "helper for REJECT verdicts",
    "nodeports": "NodePort entry point",
}

_KIND = {
    "service": "service",
    "local": "service-local",
    "external": "external",
    "firewall": "firewall",
    "endpoint": "endpoint",
}
_NAME = re.compile(r"^(service|local|external|firewall|endpoint)-[A-Z2-7]{8}-(.*)$")
_NUMGEN = re.compile(r"\bnumgen\s+random\s+mod\s+(\d+)\s+vmap\s+\{(.*)\}")
_AFFINITY = re.compile(r"\bip6?\s+saddr\s+@(affinity-\S+)\s+goto\s+(\S+)")
_DNAT = re.compile(r"\bdnat\s+(?:ip6?\s+)?to\s+(\S+)")
_VERDICT = re.compile(r"\b(goto|jump)\s+(\S+)")
_ELEMENT = re.compile(r'^(.*?)(?:\s+comment\s+"([^"]*)")?\s*:\s*(.+)$')
# nft and knftables write a map element "KEY : VALUE" with blanks around the colon: an IPv6 key has colons of its own
_ELEMENT_SPACED = re.compile(r'^(.*?)(?:\s+comment\s+"([^"]*)")?\s+:\s+(.+)$')
_DURATION = re.compile(r"(\d+)(d|h|m|s)")


def _spn_of(base: str) -> tuple[str, str | None, str | None]:
    """``ns/name/proto/port[__ip/port]`` -> (Service port name, protocol, endpoint ``ip:port``)."""
    service, _, endpoint = base.partition("__")
    parts = service.split("/")
    if len(parts) >= 4:
        spn = f"{parts[0]}/{parts[1]}" + (f":{parts[3]}" if parts[3] else "")
        proto = parts[2]
    else:
        spn, proto = service, None
    ep = None
    if endpoint:
        ip, _, port = endpoint.rpartition("/")
        try:
            ipaddress.IPv4Address(ip)
        except ValueError:
            ip = ip.replace(".", ":")  # servicePortEndpointChainNameBase writes IPv6 colons as dots
            ep = f"[{ip}]:{port}"
        else:
            ep = f"{ip}:{port}"
    return spn, proto, ep


def _seconds(text: str | None) -> int | None:
    if not text:
        return None
    total = sum(int(n) * {"d": 86400, "h": 3600, "m": 60, "s": 1}[u] for n, u in _DURATION.findall(text))
    return total or None


def _key_text(key: str, nodeport: bool) -> str:
    parts = [p.strip() for p in key.split(" . ")]
    if nodeport and len(parts) == 2:
        return f"{parts[1]}/{parts[0]}"
    if len(parts) == 3:
        addr = f"[{parts[0]}]" if ":" in parts[0] else parts[0]
        return f"{addr}:{parts[2]}/{parts[1]}"
    return key


def explain_nft(
    ruleset: NftRuleset,
) -> tuple[list[ChainInfo], list[ServicePortReport], list[Unattributed], dict]:
    """Chains, Service port reports, unattributed lines and rule counts of other tables for ``ruleset``."""
    infos: list[ChainInfo] = []
    reports: dict[str, ServicePortReport] = {}
    unattributed: list[Unattributed] = []
    other: dict[str, int] = {}

    # A dual-stack node's ruleset holds "ip kube-proxy" and "ip6 kube-proxy", one per proxier, with the same chain
    # names: each table's Service ports are reported on their own, named with the table.
    several = sum(t.name == "kube-proxy" for t in ruleset.tables) > 1
    current: list[str | None] = [None]

    def report(name: str) -> ServicePortReport:
        key = f"{name} ({current[0]})" if current[0] else name
        if key not in reports:
            reports[key] = ServicePortReport(key, table=current[0])
        return reports[key]

    for table in ruleset.tables:
        if table.name != "kube-proxy":
            n = sum(len(c.rules) for c in table.chains.values())
            other[f"table {table.key}"] = n
            continue
        current[0] = table.key if several else None
        _explain_table(table, infos, report, unattributed)
    return infos, [reports[k] for k in sorted(reports)], unattributed, other


def _explain_table(
    table: NftTableBlock, infos: list[ChainInfo], report, unattributed: list[Unattributed]
) -> None:
    by_name: dict[str, ChainInfo] = {}
    first = len(infos)  # this table's chains are infos[first:]
    for chain in table.chains.values():
        m = _NAME.match(chain.name)
        if m:
            spn, _proto, ep = _spn_of(m.group(2))
            info = ChainInfo(
                chain.name, _KIND[m.group(1)], spn, table.key, endpoint=ep, rule_count=len(chain.rules)
            )
        elif chain.hook is not None:
            info = ChainInfo(
                chain.name, "builtin", None, table.key, description=f"base chain, hook {chain.hook}"
            )
        elif chain.name in KUBE_PROXY_NFT_CHAINS:
            info = ChainInfo(chain.name, "kube-proxy", None, table.key, KUBE_PROXY_NFT_CHAINS[chain.name])
        else:
            info = ChainInfo(chain.name, "other", None, table.key)
        info.rule_count = len(chain.rules)
        by_name[chain.name] = info
        infos.append(info)
    affinity_sets = {
        name: _seconds(s.timeout) for name, s in table.sets.items() if name.startswith("affinity-")
    }
    for chain in table.chains.values():
        info = by_name[chain.name]
        for lineno, text in chain.rules:
            for verdict in _VERDICT.finditer(text):
                target = verdict.group(2).rstrip(",}")
                if target not in info.targets and target != "mark-for-masquerade":
                    info.targets.append(target)
            if info.kind == "endpoint":
                d = _DNAT.search(text)
                if d:
                    info.endpoint = d.group(1)
            if info.kind in ("service", "service-local"):
                a = _AFFINITY.search(text)
                if a:
                    info.affinity_seconds = affinity_sets.get(a.group(1)) or info.affinity_seconds
                g = _NUMGEN.search(text)
                if g and int(g.group(1)) > 0:
                    slots = int(g.group(1))
                    for item in split_items(g.group(2)):
                        vm = _VERDICT.search(item)
                        if vm:
                            info.shares[vm.group(2)] = info.shares.get(vm.group(2), 0.0) + 1.0 / slots
            if info.owner is None and info.kind not in ("kube-proxy", "builtin"):
                unattributed.append(
                    Unattributed(
                        lineno,
                        text,
                        message(N_("chain {chain} is not one of kube-proxy's"), chain=chain.name),
                    )
                )
    # Entry points: the maps' elements.
    cluster_ips = {k for _, k in table.sets["cluster-ips"].elements} if "cluster-ips" in table.sets else set()
    for nset in table.sets.values():
        for lineno, item in nset.elements:
            m = _ELEMENT_SPACED.match(item) or _ELEMENT.match(item)
            if not m:
                continue
            key, comment, value = m.group(1).strip(), m.group(2), m.group(3).strip()
            vm = _VERDICT.match(value)
            target = by_name.get(vm.group(2)) if vm else None
            nodeport = "nodeport" in nset.name
            where = _key_text(key, nodeport)
            if target is not None and target.owner:
                # the model's own words for the address's role (a Message: shown in the reader's language)
                if nodeport:
                    label = "nodePort"
                elif target.kind == "firewall" or nset.name == "firewall-ips":
                    label = message(N_("load-balancer IP (firewall)"))
                elif target.kind == "external":
                    label = message(N_("external IP"))
                elif key.split(" . ")[0].strip() in cluster_ips or target.kind == "service":
                    label = message(N_("cluster IP"))
                else:
                    label = message(N_("address"))
                entry = message("{label} {address}", label=label, address=where)
                target.entries.append(entry)
                report(target.owner).entries.append(
                    message("{entry} -> {target}", entry=entry, target=target.chain)
                )
            elif comment:
                owner = comment.strip()
                report(owner).entries.append(
                    message(
                        N_("has no endpoints {address} -> {verdict} ({set})"),
                        address=where,
                        verdict=value,
                        set=nset.name,
                    )
                )
            elif vm:
                unattributed.append(
                    Unattributed(
                        lineno,
                        item,
                        message(
                            N_("element of {set}: chain {chain} is not in the input"),
                            set=nset.name,
                            chain=vm.group(2),
                        ),
                    )
                )
    # Reports: chains and endpoints per Service port (of this table).
    for info in infos[first:]:
        if info.owner is None:
            continue
        rep = report(info.owner)
        if info.kind != "endpoint":
            rep.chains.append(info.chain)
        if info.affinity_seconds:
            rep.affinity_seconds = info.affinity_seconds
        if info.kind in ("service", "service-local"):
            for target in info.targets:
                sub = by_name.get(target)
                if sub is not None and sub.kind == "endpoint":
                    rep.endpoints.append(
                        EndpointShare(sub.endpoint, info.shares.get(target), info.chain, target)
                    )
                    continue
                m = _NAME.match(target) if sub is None else None
                if m and m.group(1) == "endpoint":  # not pasted, but its name says where it goes
                    ep = _spn_of(m.group(2))[2]
                    share = info.shares.get(target)
                    rep.endpoints.append(
                        EndpointShare(ep, share, info.chain, target, "chain not in the input")
                    )
    for info in infos[first:]:
        if info.kind == "endpoint" and info.owner:
            rep = report(info.owner)
            if not any(e.chain == info.chain for e in rep.endpoints):
                rep.endpoints.append(
                    EndpointShare(info.endpoint, None, None, info.chain, "no service chain in the input")
                )
