"""kube-proxy's proxy modes behind one contract.

Upstream every mode implements one interface, ``proxy.Provider`` (kubernetes/kubernetes ``pkg/proxy/types.go``),
and ``cmd/kube-proxy/app/server_linux.go`` (``newProxyServer``/``createProxier``) picks the proxier by
``--proxy-mode``; nothing outside ``pkg/proxy`` knows how a mode works. Here a :class:`ProxyMode` is what the
rest of k8snet needs of a mode, and :data:`PROXY_MODES` holds one per mode:

* :meth:`~ProxyMode.render`: the rules one node's kube-proxy writes in a full sync, from the Services, the
  EndpointSlices and that node's :class:`~k8snet.proxy.config.ProxierSettings`;
* :meth:`~ProxyMode.base_jump_rules`: the same plus what kube-proxy programs outside its payload (the jumps from
  the built-in chains), i.e. everything the node's kernel holds; :meth:`~ProxyMode.parse` reads that into the
  typed tables the dataplane runs, and :meth:`~ProxyMode.executor` builds the node's dataplane from it, as the
  proxier programs the kernel;
* :meth:`~ProxyMode.dump` (what the node's tools print) and :meth:`~ProxyMode.service_rules` (one Service's part
  of it);
* what the mode does differently, as data: how a new connection picks an endpoint, the rules that implement
  session affinity, and what it cannot do that the others do (the differences kube-proxy documents between
  its modes).

>>> list(PROXY_MODES)
['iptables', 'ipvs', 'nftables']
>>> ipvs = proxy_mode("ipvs")
>>> ipvs.endpoint_choice, ipvs.short_circuits_local_external_traffic
('IPVS round robin', False)
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from k8snet.errors import K8snetError
from k8snet.i18n import N_

__all__ = ["ProxyMode", "PROXY_MODES", "proxy_mode", "available_modes"]


def _service_key(svc: Any) -> str:
    return f"{svc.metadata.namespace or 'default'}/{svc.metadata.name}"


class ProxyMode:
    """One ``--proxy-mode``: how its rules are rendered, read and run, and how it differs from the others.

    Subclasses set the data attributes and implement :meth:`render`, :meth:`parse`, :meth:`executor` and
    :meth:`service_rules`. Methods import their renderer and executor when called, so a mode costs nothing until
    it is used.

    Examples
    --------
    >>> from k8snet.proxy.config import ProxierSettings
    >>> mode = proxy_mode("nftables")
    >>> settings = ProxierSettings(hostname="node-1", node_ips=["192.168.0.2"])
    >>> rules = mode.base_jump_rules(mode.render([], [], settings))
    >>> type(mode.executor(rules, ["192.168.0.2"])).__name__
    'NftHost'
    """

    #: The ``--proxy-mode`` value.
    name = ""
    #: Modules the mode needs (renderer, rule format, executor); see :func:`available_modes`.
    modules: tuple[str, ...] = ()
    #: How a new connection picks one of a Service's endpoints.
    endpoint_choice = "a random choice"
    #: Text found in every line of :meth:`service_rules` that implements ``sessionAffinity: ClientIP``.
    affinity_marker = ""
    #: With ``externalTrafficPolicy: Local``, pod and node traffic to an external address (NodePort,
    #: externalIP, load-balancer IP) still reaches every endpoint (the ``KUBE-EXT-`` "short-circuit" of KEP-1860).
    #: IPVS cannot: its external virtual servers hold only the node-local endpoints, for every client
    #: (``pkg/proxy/ipvs/proxier.go`` ``syncEndpoint``: ``onlyNodeLocalEndpoints``).
    short_circuits_local_external_traffic = True
    #: With a Local traffic policy and no usable local endpoint, traffic goes to all endpoints instead of being
    #: dropped ("has no local endpoints"). Only IPVS does that ("Allow access from local PODs even if no local
    #: endpoints exist", ``syncEndpoint``, kubernetes/kubernetes PR 97081).
    local_policy_falls_back_to_cluster = False
    #: Why the kernel dropped or rejected a packet when the verdict came from no commented rule, by the
    #: pseudo-table that took it (``{chain}`` is filled in). The model's words, not kube-proxy's: marked for the
    #: catalog (:mod:`k8snet.i18n`), shown in the reader's language by the reports of :mod:`k8snet.sim.trace`.
    verdict_reasons: Mapping[str, str] = MappingProxyType({})

    def render(
        self,
        services: list[Any],
        endpoint_slices: list[Any],
        settings: Any,
        service_cidrs: list[str] | None = None,
    ) -> Any:
        """The rules of one full sync of the node described by ``settings`` (the proxier's payload)."""
        raise NotImplementedError

    def base_jump_rules(self, rules: Any) -> Any:
        """``rules`` plus what kube-proxy programs outside its payload; unchanged for modes that have nothing
        there."""
        return rules

    def parse(self, rules: Any) -> Any:
        """The node's rules as the typed tables its executor runs."""
        raise NotImplementedError

    def executor(self, rules: Any, local_ips: list[str], clock: Any = None, seed: int = 0) -> Any:
        """The node's dataplane, programmed with ``rules`` (as :meth:`base_jump_rules` returns them)."""
        raise NotImplementedError

    def dump(self, rules: Any) -> str:
        """``rules`` as the node's tools print them."""
        return rules

    def dump_families(self, rules: Mapping[str, Any]) -> str:
        """The rules of a node's proxiers (``{"IPv4": rules, "IPv6": rules}``, primary family first) as the
        node's tools print them: one family's rules are exactly :meth:`dump`; modes say how two are shown."""
        if len(rules) == 1:
            return self.dump(next(iter(rules.values())))
        return "".join(self.dump(r) for r in rules.values())

    def proxier(self, settings: Any, clock: Any = None, service_cidrs: list[str] | None = None) -> Any:
        """A kube-proxy of this mode for ``settings.ip_family`` that syncs over time (a
        :class:`~k8snet.proxy.proxier.Proxier`), programming a new, empty kernel of its own."""
        raise NotImplementedError

    def service_rules(self, rules: Any, svc: Any) -> str:
        """The part of the node's ``rules`` that implements the Service ``svc``, in the tools' own format."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<ProxyMode {self.name}>"


class IPTablesMode(ProxyMode):
    """``--proxy-mode=iptables`` (``pkg/proxy/iptables``): one ``iptables-restore`` payload, run by netfilter.

    >>> print(proxy_mode("iptables").base_jump_rules("*nat\\nCOMMIT\\n").splitlines()[6])
    -A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
    """

    name = "iptables"
    modules = ("k8snet.proxy.iptables", "k8snet.rules.iptables", "k8snet.dataplane.netfilter")
    affinity_marker = "-m recent"

    def render(self, services, endpoint_slices, settings, service_cidrs=None):
        from k8snet.proxy.iptables import render_iptables

        return render_iptables(services, endpoint_slices, settings)

    def base_jump_rules(self, rules):
        from k8snet.proxy.iptables import base_jump_rules

        return base_jump_rules(rules)

    def parse(self, rules):
        from k8snet.rules.iptables import parse_iptables

        return parse_iptables(rules)

    def executor(self, rules, local_ips, clock=None, seed=0):
        from k8snet.dataplane.netfilter import NetfilterHost

        return NetfilterHost(self.parse(rules), local_ips, clock=clock, seed=seed)

    def dump_families(self, rules):
        """One ``iptables-restore`` payload per family, each under a comment naming the command that loads it:
        ``iptables-restore`` for the IPv4 proxier, ``ip6tables-restore`` for the IPv6 one (two kernels' tables;
        ``NewDualStackProxier`` in ``pkg/proxy/iptables/proxier.go`` gives each proxier its own
        ``utiliptables.Interface``). One family alone is printed without a comment, as before."""
        if len(rules) == 1:
            return next(iter(rules.values()))
        return "".join(
            f"# {'ip6tables' if family == 'IPv6' else 'iptables'}-restore input of the {family} proxier\n{text}"
            for family, text in rules.items()
        )

    def proxier(self, settings, clock=None, service_cidrs=None):
        from k8snet.proxy.iptables import IPTablesProxier

        return IPTablesProxier(settings, clock=clock)

    def service_rules(self, rules, svc):
        """The ``nat`` table lines of the chains owned by the Service (``KUBE-SVC-``/``KUBE-SVL-``/``KUBE-EXT-``/
        ``KUBE-FW-``/``KUBE-SEP-``) and the lines that jump to them."""
        key = _service_key(svc)
        owned: set[str] = set()
        for line in rules.splitlines():
            m = re.match(
                r"-A (KUBE-(?:SVC|SVL|EXT|FW|SEP)-\w+) .*--comment \"?" + re.escape(key) + r"[:\" ]", line
            )
            if m:
                owned.add(m.group(1))
        out, table = [], ""
        for line in rules.splitlines():
            if line.startswith("*"):
                table = line[1:]
            if table != "nat" or not line.startswith("-A "):
                continue
            chain = line.split()[1]
            target = line.rsplit("-j ", 1)[-1].split()[0] if "-j " in line else ""
            if chain in owned or target in owned:
                out.append(line)
        return "\n".join(out)


class IPVSMode(ProxyMode):
    """``--proxy-mode=ipvs`` (``pkg/proxy/ipvs``): IPVS virtual servers, ipsets, ``kube-ipvs0`` addresses and an
    iptables payload, all in one :class:`~k8snet.rules.ipvs.IPVSState` (which carries its own jump rules)."""

    name = "ipvs"
    modules = ("k8snet.proxy.ipvs", "k8snet.rules.ipvs", "k8snet.dataplane.ipvs")
    endpoint_choice = "IPVS round robin"
    affinity_marker = "persistent"
    short_circuits_local_external_traffic = False
    local_policy_falls_back_to_cluster = True
    verdict_reasons = MappingProxyType(
        {"ipvs": N_("IPVS virtual server {chain} has no real server (ICMP port unreachable)")}
    )

    def render(self, services, endpoint_slices, settings, service_cidrs=None):
        from k8snet.proxy.ipvs import render_ipvs

        return render_ipvs(services, endpoint_slices, settings)

    def parse(self, rules):
        # already typed; k8snet.dataplane.ipvs.IPVSHost.from_text reads a real node's dumps
        return rules

    def executor(self, rules, local_ips, clock=None, seed=0):
        from k8snet.dataplane.ipvs import IPVSHost

        return IPVSHost(self.parse(rules), local_ips, clock=clock, seed=seed)

    def dump(self, rules):
        """What ``ipvsadm -Ln``, ``ip addr show kube-ipvs0``, ``ipset list`` and ``iptables-save`` show."""
        from k8snet.rules.ipvs import ip_addr_show, ipset_list, ipvsadm_ln

        return (
            "# ipvsadm -Ln\n"
            + ipvsadm_ln(rules)
            + "\n# ip addr show kube-ipvs0\n"
            + ip_addr_show(rules)
            + "\n# ipset list\n"
            + ipset_list(rules)
            + "\n# iptables-save\n"
            + rules.iptables_save()
        )

    def dump_families(self, rules):
        """One node's IPVS state for both proxiers, as its tools print it: the kernel has one IPVS table and one
        ``kube-ipvs0`` device, so ``ipvsadm -Ln``, ``ip addr show kube-ipvs0`` and ``ipset list`` show both
        families' entries (the IPv6 sets are the ``KUBE-6-`` ones), while ``iptables-save`` and
        ``ip6tables-save`` print the two families' iptables rules separately (``NewDualStackProxier`` in
        ``pkg/proxy/ipvs/proxier.go``: one ``utilipvs.Interface`` and per-family ``utiliptables.Interface`` and
        ipset families)."""
        from k8snet.rules.ipvs import IPVSState, ip_addr_show, ipset_list, ipvsadm_ln

        if len(rules) == 1:
            return self.dump(next(iter(rules.values())))
        states = list(rules.values())
        merged = IPVSState(
            virtual_servers=[vs for st in states for vs in st.virtual_servers],
            ipsets={name: s for st in states for name, s in st.ipsets.items()},
            bound_addresses=[a for st in states for a in st.bound_addresses],
            dummy_device=states[0].dummy_device,
        )
        out = (
            "# ipvsadm -Ln\n"
            + ipvsadm_ln(merged)
            + "\n# ip addr show kube-ipvs0\n"
            + ip_addr_show(merged)
            + "\n# ipset list\n"
            + ipset_list(merged)
        )
        for family, state in rules.items():
            out += f"\n# {'ip6tables' if family == 'IPv6' else 'iptables'}-save\n" + state.iptables_save()
        return out

    def proxier(self, settings, clock=None, service_cidrs=None):
        from k8snet.proxy.ipvs import IPVSProxier

        return IPVSProxier(settings, clock=clock)

    def service_rules(self, rules, svc):
        """``ipvsadm -Ln`` restricted to the Service's virtual servers, then ``ip -brief addr show kube-ipvs0``
        as the node prints it: every address kube-proxy bound there, the Service's among them."""
        from k8snet.netutils import canonical_ip
        from k8snet.rules.ipvs import IPVSState, ip_brief_addr_show, ipvsadm_ln

        # every ClusterIP (both families of a dual-stack Service: the rules may be either proxier's)
        addresses = {svc.spec.clusterIP, *(svc.spec.clusterIPs or []), *(svc.spec.externalIPs or [])}
        addresses |= {
            i.ip
            for i in (
                (svc.status.loadBalancer.ingress if svc.status and svc.status.loadBalancer else None) or []
            )
            if i.ip
        }
        addresses |= {canonical_ip(a) for a in addresses if isinstance(a, str) and ":" in a}
        node_ports = {p.nodePort for p in svc.spec.ports or [] if p.nodePort}
        ports = {p.port for p in svc.spec.ports or []}
        vss = [
            vs
            for vs in rules.virtual_servers
            if (vs.address in addresses and vs.port in ports) or vs.port in node_ports
        ]
        text = ipvsadm_ln(IPVSState(virtual_servers=vss)).rstrip("\n")
        return (
            f"$ ipvsadm -Ln  (the Service's virtual servers)\n{text}\n"
            f"$ ip -brief addr show kube-ipvs0\n" + ip_brief_addr_show(rules).rstrip("\n")
        )


class NftablesMode(ProxyMode):
    """``--proxy-mode=nftables`` (``pkg/proxy/nftables``): the ``kube-proxy`` table, whose base chains hook into
    netfilter themselves (no jumps from other chains)."""

    name = "nftables"
    modules = ("k8snet.proxy.nftables", "k8snet.rules.nftables", "k8snet.dataplane.nft")
    affinity_marker = "affinity"

    def render(self, services, endpoint_slices, settings, service_cidrs=None):
        from k8snet.proxy.nftables import render_nftables

        return render_nftables(services, endpoint_slices, settings, service_cidrs=service_cidrs)

    def parse(self, rules):
        from k8snet.rules.nftables import parse_nftables

        return parse_nftables(rules)

    def executor(self, rules, local_ips, clock=None, seed=0):
        from k8snet.dataplane.nft import NftHost

        return NftHost(self.parse(rules), local_ips, clock=clock, seed=seed)

    def dump_families(self, rules):
        """Both tables, ``ip kube-proxy`` then ``ip6 kube-proxy``: one ``nft`` ruleset holds them (each proxier
        owns its table, ``NewDualStackProxier`` in ``pkg/proxy/nftables/proxier.go``), and the text is one valid
        ``nft -f`` input."""
        return "".join(rules.values())

    def proxier(self, settings, clock=None, service_cidrs=None):
        from k8snet.proxy.nftables import NftablesProxier

        return NftablesProxier(settings, service_cidrs=service_cidrs, clock=clock)

    def service_rules(self, rules, svc):
        """The lines of the table that name the Service's chains or are map elements for it."""
        marker = f"{_service_key(svc)}/"
        return "\n".join(line for line in rules.splitlines() if marker in line)


#: Every mode by its ``--proxy-mode`` name, in the order of kube-proxy's ``--proxy-mode`` help.
PROXY_MODES: Mapping[str, ProxyMode] = MappingProxyType(
    {m.name: m for m in (IPTablesMode(), IPVSMode(), NftablesMode())}
)


def proxy_mode(name: str) -> ProxyMode:
    """The mode called ``name``.

    >>> proxy_mode("nftables").affinity_marker
    'affinity'
    >>> proxy_mode("userspace")
    Traceback (most recent call last):
    ...
    k8snet.errors.K8snetError: unknown proxy mode 'userspace'; choose one of iptables, ipvs, nftables
    """
    try:
        return PROXY_MODES[name]
    except KeyError:
        raise K8snetError(f"unknown proxy mode {name!r}; choose one of {', '.join(PROXY_MODES)}") from None


def available_modes() -> dict[str, str | None]:
    """Each mode with ``None`` if it can be rendered and traced, else the reason it cannot (yet).

    >>> available_modes()["iptables"] is None
    True
    """
    out: dict[str, str | None] = {}
    for name, mode in PROXY_MODES.items():
        try:
            for module in mode.modules:
                importlib.import_module(module)
            out[name] = None
        except ImportError as exc:
            out[name] = f"--proxy-mode={name} is not available yet ({exc})"
    return out
