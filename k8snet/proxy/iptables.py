"""kube-proxy's iptables mode: the ``iptables-restore`` input that one full ``syncProxyRules`` writes.

Port of kubernetes/kubernetes ``pkg/proxy/iptables/proxier.go`` (v1.34): chain names (``portProtoHash``:
sha256 of ``ns/svc:port`` + lower-case protocol, base32, first 16 characters; ``KUBE-SEP-`` also hashes the
endpoint ``ip:port``), the ``filter`` and ``nat`` tables with their top-level chains, every rule and comment,
``--probability`` as ``%0.10f`` of ``1/n``, large-cluster mode (no per-endpoint comments above 1000
endpoints). The output is one full sync from scratch:

- no ``-X`` lines (there are no stale chains to delete) and no partial syncs;
- the jump rules kube-proxy installs outside the restore (``PREROUTING -j KUBE-SERVICES``...) are not part of
  the payload; :data:`JUMP_CHAINS` lists them and :func:`base_jump_rules` adds them, as a node's
  ``iptables-save`` shows them;
- Service ports are written in ``ns/name:port`` order (upstream walks a Go map, so its order varies from
  sync to sync; ``sortIPTablesRules`` in ``proxier_test.go`` compares modulo that order).

>>> from k8snet.api.core_v1 import Service
>>> from k8snet.api.discovery_v1 import EndpointSlice
>>> svc = Service.model_validate({"metadata": {"name": "svc1", "namespace": "ns1"},
...     "spec": {"clusterIP": "172.30.0.41", "ports": [{"name": "p80", "port": 80, "protocol": "TCP"}]}})
>>> es = EndpointSlice.model_validate({"metadata": {"name": "svc1-1", "namespace": "ns1",
...     "labels": {"kubernetes.io/service-name": "svc1"}}, "addressType": "IPv4",
...     "endpoints": [{"addresses": ["10.180.0.1"]}], "ports": [{"name": "p80", "port": 80, "protocol": "TCP"}]})
>>> s = ProxierSettings(hostname="test-node", node_ips=["192.168.0.2"], cluster_cidr="10.0.0.0/8")
>>> text = render_iptables([svc], [es], s)
>>> print("\\n".join(line for line in text.splitlines() if "XPGD46QRK7WJZT7O" in line))
:KUBE-SVC-XPGD46QRK7WJZT7O - [0:0]
-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O
-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -j KUBE-SEP-SXIVWICOYRO3J4NJ
>>> chain_owners([svc], [es], s)["KUBE-SEP-SXIVWICOYRO3J4NJ"]
'ns1/svc1:p80 -> 10.180.0.1:80'
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from k8snet.proxy.config import ProxierSettings
from k8snet.proxy.endpoints import EndpointInfo, endpoints_map
from k8snet.proxy.serviceport import ServicePortInfo, service_port_map
from k8snet.proxy.topology import categorize_endpoints, policy_targets
from k8snet.rules.linebuffer import LineBuffer, make_chain_line

__all__ = [
    "render_iptables",
    "chain_owners",
    "sync_proxy_rules",
    "IPTablesSync",
    "port_proto_hash",
    "service_port_endpoint_chain_name",
    "compute_probability",
    "JUMP_CHAINS",
    "base_jump_rules",
]

KUBE_SERVICES = "KUBE-SERVICES"
KUBE_EXTERNAL_SERVICES = "KUBE-EXTERNAL-SERVICES"
KUBE_NODEPORTS = "KUBE-NODEPORTS"
KUBE_POSTROUTING = "KUBE-POSTROUTING"
KUBE_MARK_MASQ = "KUBE-MARK-MASQ"
KUBE_FORWARD = "KUBE-FORWARD"
KUBE_PROXY_FIREWALL = "KUBE-PROXY-FIREWALL"
KUBE_PROXY_CANARY = "KUBE-PROXY-CANARY"
#: A duplicate of kubelet's firewall chain holding the anti-martian-packet rule (issue 90259).
KUBELET_FIREWALL = "KUBE-FIREWALL"
#: Above this many endpoints kube-proxy drops per-endpoint comments ("optimize for iptables performance").
LARGE_CLUSTER_ENDPOINTS_THRESHOLD = 1000

CT_STATE_INVALID_DROPPED_COUNTER = "ct_state_invalid_dropped_pkts"
LOCALHOST_NODEPORT_ACCEPTED_COUNTER = "localhost_nps_accepted_pkts"

#: ``iptablesJumpChains``: (table, dst chain, src chain, comment, extra args), ensured with ``-I`` outside the
#: restore payload on every full sync, plus kubelet's ``KUBE-FIREWALL`` jumps (``iptablesKubeletJumpChains``).
JUMP_CHAINS: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    (
        "filter",
        KUBE_EXTERNAL_SERVICES,
        "INPUT",
        "kubernetes externally-visible service portals",
        ("-m", "conntrack", "--ctstate", "NEW"),
    ),
    (
        "filter",
        KUBE_EXTERNAL_SERVICES,
        "FORWARD",
        "kubernetes externally-visible service portals",
        ("-m", "conntrack", "--ctstate", "NEW"),
    ),
    ("filter", KUBE_NODEPORTS, "INPUT", "kubernetes health check service ports", ()),
    (
        "filter",
        KUBE_SERVICES,
        "FORWARD",
        "kubernetes service portals",
        ("-m", "conntrack", "--ctstate", "NEW"),
    ),
    (
        "filter",
        KUBE_SERVICES,
        "OUTPUT",
        "kubernetes service portals",
        ("-m", "conntrack", "--ctstate", "NEW"),
    ),
    ("filter", KUBE_FORWARD, "FORWARD", "kubernetes forwarding rules", ()),
    (
        "filter",
        KUBE_PROXY_FIREWALL,
        "INPUT",
        "kubernetes load balancer firewall",
        ("-m", "conntrack", "--ctstate", "NEW"),
    ),
    (
        "filter",
        KUBE_PROXY_FIREWALL,
        "OUTPUT",
        "kubernetes load balancer firewall",
        ("-m", "conntrack", "--ctstate", "NEW"),
    ),
    (
        "filter",
        KUBE_PROXY_FIREWALL,
        "FORWARD",
        "kubernetes load balancer firewall",
        ("-m", "conntrack", "--ctstate", "NEW"),
    ),
    ("nat", KUBE_SERVICES, "OUTPUT", "kubernetes service portals", ()),
    ("nat", KUBE_SERVICES, "PREROUTING", "kubernetes service portals", ()),
    ("nat", KUBE_POSTROUTING, "POSTROUTING", "kubernetes postrouting rules", ()),
    ("filter", KUBELET_FIREWALL, "INPUT", "", ()),
    ("filter", KUBELET_FIREWALL, "OUTPUT", "", ()),
)


#: The built-in chains the jumps start from, per table.
_BUILTIN = {"filter": ("INPUT", "FORWARD", "OUTPUT"), "nat": ("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING")}


def base_jump_rules(restore_text: str) -> str:
    """Add the jumps kube-proxy (and kubelet) put in the built-in chains to an ``iptables-restore`` payload.

    kube-proxy ensures them outside the restore with ``EnsureRule(Prepend, ...)`` in the order of
    ``iptablesJumpChains`` (``pkg/proxy/iptables/proxier.go``), so the last one ensured ends up first; kubelet's
    ``-j KUBE-FIREWALL`` jumps were inserted before kube-proxy started, so they come after kube-proxy's. The
    kubelet jumps are only added when the payload defines ``KUBE-FIREWALL``.

    >>> text = base_jump_rules("*nat\\n:KUBE-SERVICES - [0:0]\\n:KUBE-POSTROUTING - [0:0]\\nCOMMIT\\n")
    >>> print(text.splitlines()[5])
    -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
    """
    per_table: dict[str, dict[str, list[str]]] = {
        t: {c: [] for c in chains} for t, chains in _BUILTIN.items()
    }
    kubelet: dict[str, dict[str, list[str]]] = {t: {c: [] for c in chains} for t, chains in _BUILTIN.items()}
    for table, dst, src, comment, extra in JUMP_CHAINS:
        if not comment:  # kubelet's KUBE-FIREWALL jumps
            if f":{dst} " in restore_text.split(f"*{table}\n", 1)[-1].split("COMMIT", 1)[0]:
                kubelet[table][src].append(f"-A {src} -j {dst}")
            continue
        words = [f"-A {src}", *extra, f'-m comment --comment "{comment}"', f"-j {dst}"]
        per_table[table][src].insert(0, " ".join(words))
    out = []
    for line in restore_text.splitlines():
        out.append(line)
        table = line[1:] if line.startswith("*") else None
        if table in per_table:
            out.extend(f":{c} ACCEPT [0:0]" for c in _BUILTIN[table])
            for c in _BUILTIN[table]:
                out.extend(per_table[table][c] + kubelet[table][c])
    return "\n".join(out) + "\n"


def _hash16(data: str) -> str:
    digest = hashlib.sha256(data.encode()).digest()
    return base64.b32encode(digest).decode()[:16]


def port_proto_hash(service_port_name: str, protocol: str) -> str:
    """``portProtoHash``: sha256 of ``ns/svc:port`` + lower-case protocol, base32, first 16 characters.

    >>> "KUBE-SVC-" + port_proto_hash("ns1/svc1:p80", "tcp")
    'KUBE-SVC-XPGD46QRK7WJZT7O'
    """
    return _hash16(service_port_name + protocol)


def service_port_endpoint_chain_name(service_port_name: str, protocol: str, endpoint: str) -> str:
    """``servicePortEndpointChainName``: the ``KUBE-SEP-`` chain of one endpoint.

    >>> service_port_endpoint_chain_name("ns1/svc1:p80", "tcp", "10.180.0.1:80")
    'KUBE-SEP-SXIVWICOYRO3J4NJ'
    """
    return "KUBE-SEP-" + _hash16(service_port_name + protocol + endpoint)


def compute_probability(n: int) -> str:
    """``computeProbability``: ``fmt.Sprintf("%0.10f", 1.0/float64(n))``.

    >>> compute_probability(3), compute_probability(100001)
    ('0.3333333333', '0.0000099999')
    """
    return "%0.10f" % (1.0 / n)


@dataclass
class IPTablesSync:
    """The result of one full sync: the restore text and who owns each chain."""

    text: str
    #: chain -> ``ns/svc:port`` (SVC/SVL/EXT/FW chains) or ``ns/svc:port -> ip:port`` (SEP chains)
    owners: dict[str, str] = field(default_factory=dict)
    filter_rules: int = 0
    nat_rules: int = 0


def _svc_chains(info: ServicePortInfo) -> dict[str, str]:
    h = port_proto_hash(info.name_string, info.protocol.lower())
    return {
        "cluster": "KUBE-SVC-" + h,
        "local": "KUBE-SVL-" + h,
        "fw": "KUBE-FW-" + h,
        "ext": "KUBE-EXT-" + h,
    }


def sync_proxy_rules(
    services: Iterable[Any], endpoint_slices: Iterable[Any], settings: ProxierSettings
) -> IPTablesSync:
    """Run one full ``syncProxyRules`` and return the payload with the chain-owner map."""
    family = settings.ip_family
    is_ipv6 = settings.is_ipv6
    mark = settings.mark
    localhost_nodeports = settings.effective_localhost_nodeports
    detect_local = settings.cluster_cidr is not None
    if_local = ["-s", settings.cluster_cidr or ""]
    if_not_local = ["!", "-s", settings.cluster_cidr or ""]
    svc_map = service_port_map(services, family)
    eps_map = endpoints_map(
        endpoint_slices, settings.hostname, family, settings.prefer_same_traffic_distribution
    )
    owners: dict[str, str] = {}

    filter_chains, filter_rules = LineBuffer(), LineBuffer()
    nat_chains, nat_rules = LineBuffer(), LineBuffer()

    for chain in (KUBE_SERVICES, KUBE_EXTERNAL_SERVICES, KUBE_FORWARD, KUBE_NODEPORTS, KUBE_PROXY_FIREWALL):
        filter_chains.write(make_chain_line(chain))
    for chain in (KUBE_SERVICES, KUBE_NODEPORTS, KUBE_POSTROUTING, KUBE_MARK_MASQ):
        nat_chains.write(make_chain_line(chain))

    nat_rules.write("-A", KUBE_POSTROUTING, "-m", "mark", "!", "--mark", f"{mark}/{mark}", "-j", "RETURN")
    # Clear the mark to avoid re-masquerading if the packet re-traverses the network stack.
    nat_rules.write("-A", KUBE_POSTROUTING, "-j", "MARK", "--xor-mark", mark)
    masq_rule = [
        "-A",
        KUBE_POSTROUTING,
        "-m",
        "comment",
        "--comment",
        '"kubernetes service traffic requiring SNAT"',
        "-j",
        "MASQUERADE",
    ]
    if settings.random_fully:
        masq_rule.append("--random-fully")
    nat_rules.write(masq_rule)
    nat_rules.write("-A", KUBE_MARK_MASQ, "-j", "MARK", "--or-mark", mark)

    if not is_ipv6 and localhost_nodeports:
        # route_localnet (for localhost NodePorts) opens a hole, https://issue.k8s.io/90259; kubelet writes
        # an identical rule.
        filter_chains.write(make_chain_line(KUBELET_FIREWALL))
        filter_rules.write(
            "-A",
            KUBELET_FIREWALL,
            "-m",
            "comment",
            "--comment",
            '"block incoming localnet connections"',
            "-d",
            "127.0.0.0/8",
            "!",
            "-s",
            "127.0.0.0/8",
            "-m",
            "conntrack",
            "!",
            "--ctstate",
            "RELATED,ESTABLISHED,DNAT",
            "-j",
            "DROP",
        )

    total_endpoints = sum(len(eps_map.get(spn, [])) for spn in svc_map)
    large_cluster = total_endpoints > LARGE_CLUSTER_ENDPOINTS_THRESHOLD

    def with_comment(args: list[str], comment: str) -> list[str]:
        return args if large_cluster else args + ["-m", "comment", "--comment", comment]

    for spn in sorted(svc_map, key=lambda k: (str(k), k.protocol)):
        svc = svc_map[spn]
        protocol = svc.protocol.lower()
        name = svc.name_string
        chains = _svc_chains(svc)
        cat = categorize_endpoints(
            eps_map.get(spn, []),
            svc,
            settings.hostname,
            settings.topology_labels,
            settings.prefer_same_traffic_distribution,
        )
        cluster_eps, local_eps, reachable, has_endpoints = cat

        cluster_chain = chains["cluster"]
        uses_cluster_chain = bool(cluster_eps) and svc.uses_cluster_endpoints
        local_chain = chains["local"]
        uses_local_chain = bool(local_eps) and svc.uses_local_endpoints

        targets = policy_targets(svc, local_eps, has_endpoints)
        internal_chain = local_chain if targets.internal_local else cluster_chain
        has_internal = targets.has_internal
        external_policy_chain = local_chain if targets.external_local else cluster_chain
        has_external = targets.has_external
        ext_chain = chains["ext"]
        # Based on has_endpoints, not has_external: the short-circuit rules are needed even then.
        uses_ext_chain = has_endpoints and svc.externally_accessible

        lb_chain = ext_chain
        fw_chain = chains["fw"]
        uses_fw_chain = (
            has_endpoints and bool(svc.load_balancer_vips) and bool(svc.load_balancer_source_ranges)
        )
        if uses_fw_chain:
            lb_chain = fw_chain

        int_target = int_comment = ext_target = ext_comment = ""
        if not has_endpoints:
            int_target = ext_target = "REJECT"
            int_comment = ext_comment = f'"{name} has no endpoints"'
        else:
            if not has_internal:
                int_target, int_comment = "DROP", f'"{name} has no local endpoints"'
            if not has_external:
                ext_target, ext_comment = "DROP", f'"{name} has no local endpoints"'

        port = str(svc.port)
        # Capture the clusterIP.
        if has_internal:
            nat_rules.write(
                "-A",
                KUBE_SERVICES,
                "-m",
                "comment",
                "--comment",
                f'"{name} cluster IP"',
                "-m",
                protocol,
                "-p",
                protocol,
                "-d",
                svc.cluster_ip,
                "--dport",
                port,
                "-j",
                internal_chain,
            )
        else:
            filter_rules.write(
                "-A",
                KUBE_SERVICES,
                "-m",
                "comment",
                "--comment",
                int_comment,
                "-m",
                protocol,
                "-p",
                protocol,
                "-d",
                svc.cluster_ip,
                "--dport",
                port,
                "-j",
                int_target,
            )

        # Capture externalIPs.
        for ext_ip in svc.external_ips:
            if has_endpoints:
                nat_rules.write(
                    "-A",
                    KUBE_SERVICES,
                    "-m",
                    "comment",
                    "--comment",
                    f'"{name} external IP"',
                    "-m",
                    protocol,
                    "-p",
                    protocol,
                    "-d",
                    ext_ip,
                    "--dport",
                    port,
                    "-j",
                    ext_chain,
                )
            if not has_external:
                filter_rules.write(
                    "-A",
                    KUBE_EXTERNAL_SERVICES,
                    "-m",
                    "comment",
                    "--comment",
                    ext_comment,
                    "-m",
                    protocol,
                    "-p",
                    protocol,
                    "-d",
                    ext_ip,
                    "--dport",
                    port,
                    "-j",
                    ext_target,
                )

        # Capture load-balancer ingress.
        for lb_ip in svc.load_balancer_vips:
            if has_endpoints:
                nat_rules.write(
                    "-A",
                    KUBE_SERVICES,
                    "-m",
                    "comment",
                    "--comment",
                    f'"{name} loadbalancer IP"',
                    "-m",
                    protocol,
                    "-p",
                    protocol,
                    "-d",
                    lb_ip,
                    "--dport",
                    port,
                    "-j",
                    lb_chain,
                )
            if uses_fw_chain:
                filter_rules.write(
                    "-A",
                    KUBE_PROXY_FIREWALL,
                    "-m",
                    "comment",
                    "--comment",
                    f'"{name} traffic not accepted by {fw_chain}"',
                    "-m",
                    protocol,
                    "-p",
                    protocol,
                    "-d",
                    lb_ip,
                    "--dport",
                    port,
                    "-j",
                    "DROP",
                )
        if not has_external:
            for lb_ip in svc.load_balancer_vips:
                filter_rules.write(
                    "-A",
                    KUBE_EXTERNAL_SERVICES,
                    "-m",
                    "comment",
                    "--comment",
                    ext_comment,
                    "-m",
                    protocol,
                    "-p",
                    protocol,
                    "-d",
                    lb_ip,
                    "--dport",
                    port,
                    "-j",
                    ext_target,
                )

        # Capture nodeports. (NodePorts are not subject to loadBalancerSourceRanges, "and we can't change that".)
        if svc.node_port != 0:
            node_port = str(svc.node_port)
            if has_endpoints:
                if localhost_nodeports and family == "IPv4" and settings.nfacct:
                    nat_rules.write(
                        "-A",
                        KUBE_NODEPORTS,
                        "-m",
                        "comment",
                        "--comment",
                        name,
                        "-m",
                        protocol,
                        "-p",
                        protocol,
                        "-d",
                        "127.0.0.0/8",
                        "--dport",
                        node_port,
                        "-m",
                        "nfacct",
                        "--nfacct-name",
                        LOCALHOST_NODEPORT_ACCEPTED_COUNTER,
                        "-j",
                        ext_chain,
                    )
                nat_rules.write(
                    "-A",
                    KUBE_NODEPORTS,
                    "-m",
                    "comment",
                    "--comment",
                    name,
                    "-m",
                    protocol,
                    "-p",
                    protocol,
                    "--dport",
                    node_port,
                    "-j",
                    ext_chain,
                )
            if not has_external:
                filter_rules.write(
                    "-A",
                    KUBE_EXTERNAL_SERVICES,
                    "-m",
                    "comment",
                    "--comment",
                    ext_comment,
                    "-m",
                    "addrtype",
                    "--dst-type",
                    "LOCAL",
                    "-m",
                    protocol,
                    "-p",
                    protocol,
                    "--dport",
                    node_port,
                    "-j",
                    ext_target,
                )

        # Capture healthCheckNodePorts, whether or not this node has local endpoints.
        if svc.health_check_node_port != 0:
            filter_rules.write(
                "-A",
                KUBE_NODEPORTS,
                "-m",
                "comment",
                "--comment",
                f'"{name} health check node port"',
                "-m",
                "tcp",
                "-p",
                "tcp",
                "--dport",
                str(svc.health_check_node_port),
                "-j",
                "ACCEPT",
            )

        # Internal traffic: masquerade off-cluster traffic to the ClusterIP (or all with --masquerade-all).
        if has_internal:
            args = [
                "-m",
                "comment",
                "--comment",
                f'"{name} cluster IP"',
                "-m",
                protocol,
                "-p",
                protocol,
                "-d",
                svc.cluster_ip,
                "--dport",
                port,
            ]
            if settings.masquerade_all:
                nat_rules.write("-A", internal_chain, args, "-j", KUBE_MARK_MASQ)
            elif detect_local:
                nat_rules.write("-A", internal_chain, args, if_not_local, "-j", KUBE_MARK_MASQ)

        # External traffic: everything captured for external destinations goes through the EXT chain.
        if uses_ext_chain:
            nat_chains.write(make_chain_line(ext_chain))
            owners[ext_chain] = name
            if not svc.external_policy_local:
                nat_rules.write(
                    "-A",
                    ext_chain,
                    "-m",
                    "comment",
                    "--comment",
                    f'"masquerade traffic for {name} external destinations"',
                    "-j",
                    KUBE_MARK_MASQ,
                )
            else:
                if detect_local:
                    # Pod -> external destination is subject to neither policy ("up-and-out and back in").
                    nat_rules.write(
                        "-A",
                        ext_chain,
                        "-m",
                        "comment",
                        "--comment",
                        f'"pod traffic for {name} external destinations"',
                        if_local,
                        "-j",
                        cluster_chain,
                    )
                nat_rules.write(
                    "-A",
                    ext_chain,
                    "-m",
                    "comment",
                    "--comment",
                    f'"masquerade LOCAL traffic for {name} external destinations"',
                    "-m",
                    "addrtype",
                    "--src-type",
                    "LOCAL",
                    "-j",
                    KUBE_MARK_MASQ,
                )
                nat_rules.write(
                    "-A",
                    ext_chain,
                    "-m",
                    "comment",
                    "--comment",
                    f'"route LOCAL traffic for {name} external destinations"',
                    "-m",
                    "addrtype",
                    "--src-type",
                    "LOCAL",
                    "-j",
                    cluster_chain,
                )
            if has_external:
                nat_rules.write("-A", ext_chain, "-j", external_policy_chain)

        # Firewall chain for loadBalancerSourceRanges (VIP-like load balancers that keep the client IP).
        if uses_fw_chain:
            nat_chains.write(make_chain_line(fw_chain))
            owners[fw_chain] = name
            fw_args = ["-A", fw_chain, "-m", "comment", "--comment", f'"{name} loadbalancer IP"']
            allow_from_node = False
            node_ip = settings.node_ip
            for cidr in svc.load_balancer_source_ranges:
                nat_rules.write(fw_args, "-s", cidr, "-j", ext_chain)
                if node_ip is not None and _cidr_contains(cidr, node_ip):
                    allow_from_node = True
            # A node talking to a VIP it hosts locally loops back with the VIP as source.
            if allow_from_node:
                for lb_ip in svc.load_balancer_vips:
                    nat_rules.write(fw_args, "-s", lb_ip, "-j", ext_chain)
            nat_rules.write(
                "-A",
                fw_chain,
                "-m",
                "comment",
                "--comment",
                f'"other traffic to {name} will be dropped by KUBE-PROXY-FIREWALL"',
            )

        if uses_cluster_chain:
            nat_chains.write(make_chain_line(cluster_chain))
            owners[cluster_chain] = name
            _write_service_to_endpoint_rules(
                nat_rules, name, svc, cluster_chain, cluster_eps or [], with_comment
            )
        if uses_local_chain:
            nat_chains.write(make_chain_line(local_chain))
            owners[local_chain] = name
            _write_service_to_endpoint_rules(nat_rules, name, svc, local_chain, local_eps or [], with_comment)

        for ep in reachable or []:
            ep_chain = _ep_chain(name, protocol, ep)
            nat_chains.write(make_chain_line(ep_chain))
            owners[ep_chain] = f"{name} -> {ep}"
            args = with_comment(["-A", ep_chain], name)
            # Handle traffic that loops back to the originator with SNAT.
            nat_rules.write(args, "-s", ep.ip, "-j", KUBE_MARK_MASQ)
            if svc.session_affinity == "ClientIP":
                args = args + ["-m", "recent", "--name", ep_chain, "--set"]
            args = args + ["-m", protocol, "-p", protocol, "-j", "DNAT", "--to-destination", str(ep)]
            nat_rules.write(args)

    # Finally, tail-call to the nodePorts chain; this must be the last rule of KUBE-SERVICES.
    nodeports_comment = '"kubernetes service nodeports; NOTE: this must be the last rule in this chain"'
    if settings.nodeport_match_all:
        destinations = ["-m", "addrtype", "--dst-type", "LOCAL"]
        if is_ipv6:
            destinations += ["!", "-d", "::1/128"]
        elif not localhost_nodeports:
            destinations += ["!", "-d", "127.0.0.0/8"]
        nat_rules.write(
            "-A",
            KUBE_SERVICES,
            "-m",
            "comment",
            "--comment",
            nodeports_comment,
            destinations,
            "-j",
            KUBE_NODEPORTS,
        )
    else:
        for ip in settings.nodeport_ips():
            if ip == "::1" or ip.startswith("127."):
                if is_ipv6 or not localhost_nodeports:
                    continue
            nat_rules.write(
                "-A",
                KUBE_SERVICES,
                "-m",
                "comment",
                "--comment",
                nodeports_comment,
                "-d",
                ip,
                "-j",
                KUBE_NODEPORTS,
            )

    # Drop INVALID packets (https://github.com/kubernetes/kubernetes/issues/74839, issue 117924).
    if not settings.conntrack_tcp_liberal:
        rule = ["-A", KUBE_FORWARD, "-m", "conntrack", "--ctstate", "INVALID"]
        if settings.nfacct:
            rule += ["-m", "nfacct", "--nfacct-name", CT_STATE_INVALID_DROPPED_COUNTER]
        rule += ["-j", "DROP"]
        filter_rules.write(rule)
    # Forward masquerade-marked traffic even if the FORWARD policy is not ACCEPT, and its replies.
    filter_rules.write(
        "-A",
        KUBE_FORWARD,
        "-m",
        "comment",
        "--comment",
        '"kubernetes forwarding rules"',
        "-m",
        "mark",
        "--mark",
        f"{mark}/{mark}",
        "-j",
        "ACCEPT",
    )
    filter_rules.write(
        "-A",
        KUBE_FORWARD,
        "-m",
        "comment",
        "--comment",
        '"kubernetes forwarding conntrack rule"',
        "-m",
        "conntrack",
        "--ctstate",
        "RELATED,ESTABLISHED",
        "-j",
        "ACCEPT",
    )

    text = (
        "*filter\n"
        + str(filter_chains)
        + str(filter_rules)
        + "COMMIT\n"
        + "*nat\n"
        + str(nat_chains)
        + str(nat_rules)
        + "COMMIT\n"
    )
    return IPTablesSync(text, owners, filter_rules.lines, nat_rules.lines)


def _ep_chain(name: str, protocol: str, ep: EndpointInfo) -> str:
    return service_port_endpoint_chain_name(name, protocol, str(ep))


def _cidr_contains(cidr: str, ip: str) -> bool:
    import ipaddress

    try:
        return ipaddress.ip_address(ip) in ipaddress.ip_network(cidr, strict=False)
    except (ValueError, TypeError):
        return False


def _write_service_to_endpoint_rules(
    nat_rules: LineBuffer,
    name: str,
    svc: ServicePortInfo,
    chain: str,
    endpoints: list[Any],
    with_comment: Any,
) -> None:
    """``writeServiceToEndpointRules``: affinity checks first, then the probabilistic spread."""
    protocol = svc.protocol.lower()
    if svc.session_affinity == "ClientIP":
        for ep in endpoints:
            ep_chain = _ep_chain(name, protocol, ep)
            args = with_comment(["-A", chain], f'"{name} -> {ep}"')
            args += [
                "-m",
                "recent",
                "--name",
                ep_chain,
                "--rcheck",
                "--seconds",
                str(svc.sticky_max_age_seconds),
                "--reap",
                "-j",
                ep_chain,
            ]
            nat_rules.write(args)
    n = len(endpoints)
    for i, ep in enumerate(endpoints):
        args = with_comment(["-A", chain], f'"{name} -> {ep}"')
        if i < n - 1:
            args += ["-m", "statistic", "--mode", "random", "--probability", compute_probability(n - i)]
        nat_rules.write(args, "-j", _ep_chain(name, protocol, ep))


def render_iptables(
    services: Iterable[Any], endpoint_slices: Iterable[Any], settings: ProxierSettings
) -> str:
    """The ``iptables-restore`` text of one full sync (``*filter`` then ``*nat``), byte for byte.

    ``services`` and ``endpoint_slices`` may be any iterables of model objects; other kinds are ignored, so
    the output of ``k8snet.manifests.load`` can be passed for both.
    """
    services = list(services)
    endpoint_slices = list(endpoint_slices)
    return sync_proxy_rules(services, endpoint_slices, settings).text


def chain_owners(
    services: Iterable[Any], endpoint_slices: Iterable[Any], settings: ProxierSettings
) -> dict[str, str]:
    """Map each per-service chain of the rendered rules to its owner.

    ``KUBE-SVC-``/``KUBE-SVL-``/``KUBE-EXT-``/``KUBE-FW-`` chains map to ``ns/svc:port``; ``KUBE-SEP-`` chains map
    to ``ns/svc:port -> ip:port``.
    """
    return sync_proxy_rules(list(services), list(endpoint_slices), settings).owners
