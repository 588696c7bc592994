"""IPVS virtual servers and the share of new connections each real server gets.

IPVS keeps no Service names: a virtual server is an address, a port and a protocol (kube-proxy's IPVS mode,
``pkg/proxy/ipvs/proxier.go``, creates one per cluster IP, external IP, load-balancer IP and, for NodePorts, per
node address). When ``ipset list`` output is pasted with it, kube-proxy's sets tell which addresses are cluster
IPs (``KUBE-CLUSTER-IP``), external IPs (``KUBE-EXTERNAL-IP``), load-balancer IPs (``KUBE-LOAD-BALANCER``) and
which ports are NodePorts (``KUBE-NODE-PORT-TCP``...); without it, a port in the default NodePort range on several
addresses is reported as probably a NodePort.

Shares follow the scheduler (``man ipvsadm``): ``rr`` gives each real server with a non-zero weight the same
share; the weighted and hashing schedulers (``wrr``, ``lc``, ``wlc``, ``sh``, ``dh``, ``mh``, ``sed``, ``nq``) give
weight / total weight over many connections (for ``lc``/``wlc`` with equally loaded servers; ``sh``/``mh`` over many
clients). Weight 0 servers get nothing: kube-proxy sets weight 0 on terminating endpoints (graceful termination).
"""

from __future__ import annotations

from k8snet.dataplane.explain.model import EndpointShare, ServicePortReport
from k8snet.i18n import N_, joined, message
from k8snet.rules.ipvs import IPSet, IpvsadmListing, ListedService

__all__ = ["explain_ipvs", "virtual_server_name"]

_NODEPORT_SETS = {
    "KUBE-NODE-PORT-TCP": "TCP",
    "KUBE-NODE-PORT-UDP": "UDP",
    "KUBE-NODE-PORT-SCTP-HASH": "SCTP",
}
_ADDRESS_SETS = {
    "KUBE-CLUSTER-IP": N_("cluster IP"),
    "KUBE-EXTERNAL-IP": N_("external IP"),
    "KUBE-EXTERNAL-IP-LOCAL": N_("external IP"),
    "KUBE-LOAD-BALANCER": N_("load-balancer IP"),
    "KUBE-LOAD-BALANCER-LOCAL": N_("load-balancer IP"),
}


def virtual_server_name(svc: ListedService) -> str:
    """``TCP 10.96.0.1:443``, ``UDP [fd00::a]:53`` or ``FWM 100``.

    >>> virtual_server_name(ListedService("TCP", "10.96.0.1", "443"))
    'TCP 10.96.0.1:443'
    """
    if svc.protocol == "FWM":
        return f"FWM {svc.host}"
    host = f"[{svc.host}]" if ":" in svc.host else svc.host
    return f"{svc.protocol} {host}:{svc.port}" if svc.port else f"{svc.protocol} {host}"


def _roles(ipsets: dict[str, IPSet] | None) -> tuple[dict[tuple[str, str, str], str], dict[str, set[str]]]:
    roles: dict[tuple[str, str, str], str] = {}
    nodeports: dict[str, set[str]] = {}
    for name, s in (ipsets or {}).items():
        # the IPv6 proxier's sets are "KUBE-6-..." (NewIPSet in pkg/proxy/ipvs/ipset.go)
        name = name.replace("KUBE-6-", "KUBE-", 1) if name.startswith("KUBE-6-") else name
        if name in _ADDRESS_SETS:
            for entry in s.entries:
                ip, _, rest = entry.partition(",")
                proto, _, port = rest.partition(":")
                roles.setdefault((proto.upper(), ip, port), _ADDRESS_SETS[name])
        elif name in _NODEPORT_SETS:
            nodeports.setdefault(_NODEPORT_SETS[name], set()).update(s.entries)
    return roles, nodeports


def explain_ipvs(
    listing: IpvsadmListing, ipsets: dict[str, IPSet] | None = None
) -> tuple[list[ServicePortReport], list[str], list[str]]:
    """Reports per virtual server, notes and warnings for ``listing`` (and kube-proxy's ``ipsets`` if given)."""
    # notes, warnings and entries in explain's own words are Messages (k8snet.i18n): English data, shown in the
    # reader's language by the report
    notes: list[str] = [
        message(
            N_(
                "IPVS keeps no Service names: each virtual server is named by its address (match it with "
                "kubectl get svc -A -o wide)"
            )
        )
    ]
    warnings: list[str] = []
    if listing.names:
        notes.append(
            message(
                N_(
                    "{format} printed host and port names (cut to the width of its columns); they were not "
                    "resolved (ipvsadm -Ln prints addresses)"
                ),
                format=listing.format,
            )
        )
    roles, nodeports = _roles(ipsets)
    seen_ports: dict[tuple[str, str], int] = {}
    for svc in listing.services:
        seen_ports[(svc.protocol, svc.port)] = seen_ports.get((svc.protocol, svc.port), 0) + 1
    reports: list[ServicePortReport] = []
    for svc in listing.services:
        rep = ServicePortReport(virtual_server_name(svc))
        role = roles.get((svc.protocol, svc.host, svc.port))
        if role is None and svc.port in nodeports.get(svc.protocol, ()):
            role = "nodePort"
        if role is None and not roles and not nodeports and svc.port.isdigit():
            if 30000 <= int(svc.port) <= 32767 and seen_ports[(svc.protocol, svc.port)] > 1:
                role = message(
                    N_("probably a nodePort (same port on several addresses, in the default NodePort range)")
                )
        details: list[str] = [svc.scheduler or message(N_("scheduler not shown"))]
        if svc.flags:
            details.append(",".join(svc.flags))
        if svc.timeout:
            details.append(message(N_("persistent {seconds}s"), seconds=svc.timeout))
        entry = message(N_("virtual server ({details})"), details=joined(", ", details))
        # a field name stays as it is; the roles are explain's words
        role_text = role if role == "nodePort" else message(role) if role else None
        rep.entries.append(message("{entry}: {role}", entry=entry, role=role_text) if role_text else entry)
        if svc.timeout:
            rep.affinity_seconds = svc.timeout
        rep.endpoints = _shares(svc)
        if not svc.destinations:
            rep.notes.append(message(N_("no real servers: new connections are dropped")))
        reports.append(rep)
    if any(s.scheduler is None for s in listing.services):
        warnings.append(
            message(
                N_("{format} shows no scheduler or weights: shares assume equal weights"),
                format=listing.format,
            )
        )
    return reports, notes, warnings


def _shares(svc: ListedService) -> list[EndpointShare]:
    dests = svc.destinations
    out: list[EndpointShare] = []
    weights = [d.weight if d.weight is not None else 1 for d in dests]
    live = [w for w in weights if w > 0]
    for d, w in zip(dests, weights, strict=True):
        host = f"[{d.host}]" if ":" in d.host else d.host
        ep = f"{host}:{d.port}" if d.port else host
        note = None
        if w <= 0:
            share = 0.0
            note = message(N_("weight 0: takes no new connections (terminating or quiesced)"))
        elif svc.scheduler == "rr" or svc.scheduler is None:
            share = 1.0 / len(live)
        else:
            share = w / sum(live)
        out.append(EndpointShare(ep, share, None, None, note))
    return out
