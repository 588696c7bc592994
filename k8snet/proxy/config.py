"""The settings of one kube-proxy instance (one node, one IP family).

Mirrors the arguments of ``NewProxier`` in kubernetes/kubernetes ``pkg/proxy/iptables/proxier.go`` (v1.34)
and the flags they come from (``cmd/kube-proxy/app/options.go``), plus the host facts the proxier probes at
start-up (``iptables --random-fully`` support, nfacct counters, ``nf_conntrack_tcp_be_liberal``), which here
are plain settings with the values a current Linux node has.

``--nodeport-addresses`` (``nodeport_addresses``): ``None`` (unset) means NodePorts are accepted on every local
address, which is the iptables-mode default in v1.34; the keyword ``"primary"`` stands for the node IPs
(resolved to ``/32`` or ``/128`` CIDRs, as ``cmd/kube-proxy/app`` does). CIDRs of the other IP family are
ignored, as in ``pkg/proxy/util/nodeport_addresses.go``.

>>> s = ProxierSettings(hostname="node-1", node_ips=["192.168.0.2"], cluster_cidr="10.0.0.0/8")
>>> s.mark, s.node_ip, s.nodeport_match_all, s.effective_localhost_nodeports
('0x00004000', '192.168.0.2', True, True)
>>> s2 = ProxierSettings(hostname="n", node_ips=["192.168.0.2"], nodeport_addresses=["primary"])
>>> s2.nodeport_cidrs, s2.effective_localhost_nodeports
(['192.168.0.2/32'], False)
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field, replace

from k8snet.errors import ConfigError
from k8snet.netutils import parse_cidr_sloppy, parse_ip_sloppy

__all__ = ["ProxierSettings", "LABEL_TOPOLOGY_ZONE"]

LABEL_TOPOLOGY_ZONE = "topology.kubernetes.io/zone"

_ZERO_CIDR = {"IPv4": "0.0.0.0/0", "IPv6": "::/0"}


def _family_of(ip: str) -> str | None:
    try:
        return "IPv6" if ipaddress.ip_address(ip).version == 6 else "IPv4"
    except ValueError:
        return None


@dataclass(frozen=True)
class ProxierSettings:
    """What one kube-proxy needs to know about itself.

    Parameters
    ----------
    hostname : str
        The node name (``--hostname-override``); endpoints whose ``nodeName`` equals it are local.
    node_ips : list of str
        The node's primary IP(s) (``--node-ip`` / the Node's InternalIP). The first one of ``ip_family`` is
        the proxier's ``nodeIP`` (used by loadBalancerSourceRanges).
    cluster_cidr : str or None
        Pod CIDR for the ClusterCIDR local-traffic detector (``--cluster-cidr``), or a dual-stack pair separated by
        a comma (``10.244.0.0/16,fd00:10:244::/56``): each proxier uses the CIDR of its own family
        (:attr:`local_detector_cidr`). ``None``, or no CIDR of the proxier's family, means no detector
        (``NoOpLocalDetector``): no masquerade of off-cluster ClusterIP traffic, no pod short-circuit.
    masquerade_all : bool
        ``--masquerade-all``.
    nodeport_addresses : list of str or None
        ``--nodeport-addresses`` CIDRs or ``"primary"``; ``None`` = all local addresses.
    localhost_nodeports : bool
        ``--iptables-localhost-nodeports`` (default true); forced off when nodeport_addresses excludes 127/8.
    masquerade_bit : int
        ``--iptables-masquerade-bit`` (default 14).
    masquerade_mark : str or None
        Override of the mark string. kube-proxy formats ``1<<bit`` with Go's ``%#08x`` (``0x00004000``);
        upstream unit tests hard-code ``"0x4000"``.
    random_fully : bool
        Whether iptables supports ``MASQUERADE --random-fully`` (true on any current iptables).
    nfacct : bool
        Whether the nfacct counters ``ct_state_invalid_dropped_pkts`` and ``localhost_nps_accepted_pkts``
        could be created (kube-proxy then adds ``-m nfacct`` matches).
    conntrack_tcp_liberal : bool
        ``net.netfilter.nf_conntrack_tcp_be_liberal`` is set: kube-proxy then writes no INVALID-drop rule.
    topology_labels : dict or None
        The node's topology labels (``topology.kubernetes.io/zone``) for topology-aware routing.
    prefer_same_traffic_distribution : bool
        Feature gate ``PreferSameTrafficDistribution`` (beta, on by default in v1.34): honour node hints.
    ip_family : str
        ``"IPv4"`` or ``"IPv6"``: one proxier handles one family, as kube-proxy's MetaProxier pairs do
        (:meth:`for_family` gives the other proxier's settings; :mod:`k8snet.proxy.metaproxier` runs both).
    interface_addresses : list of str or None
        The node's local addresses for matching ``--nodeport-addresses`` CIDRs; default ``127.0.0.1``
        (or ``::1``) plus ``node_ips``.
    """

    hostname: str
    node_ips: list[str] = field(default_factory=list)
    cluster_cidr: str | None = None
    masquerade_all: bool = False
    nodeport_addresses: list[str] | None = None
    localhost_nodeports: bool = True
    masquerade_bit: int = 14
    masquerade_mark: str | None = None
    random_fully: bool = True
    nfacct: bool = True
    conntrack_tcp_liberal: bool = False
    topology_labels: dict[str, str] | None = None
    prefer_same_traffic_distribution: bool = True
    ip_family: str = "IPv4"
    interface_addresses: list[str] | None = None

    def __post_init__(self):
        # The checks kube-proxy makes at start-up (pkg/proxy/apis/config/validation/validation.go), with its
        # messages; a bad value raises ConfigError (a ValueError) naming the argument.
        def bad(arg: str, value: object, detail: str) -> ConfigError:
            return ConfigError(f"ProxierSettings({arg}={value!r}): {detail}")

        if self.ip_family not in ("IPv4", "IPv6"):
            raise bad("ip_family", self.ip_family, 'must be "IPv4" or "IPv6"')
        for ip in self.node_ips or []:
            if parse_ip_sloppy(ip) is None:
                raise bad("node_ips", list(self.node_ips), f"{ip!r} is not a valid IP address")
        if self.cluster_cidr is not None:
            # validateDualStackCIDRStrings (pkg/proxy/apis/config/validation/validation.go) over the
            # comma-separated --cluster-cidr (cmd/kube-proxy/app/options.go splits it on ",")
            cidrs = (
                self.cluster_cidr.split(",") if isinstance(self.cluster_cidr, str) else [self.cluster_cidr]
            )
            pair = "must be a either a single CIDR or dual-stack pair of CIDRs (e.g. [10.100.0.0/16, fde4:8dba:82e1::/48]"
            if len(cidrs) > 2:
                raise bad("cluster_cidr", self.cluster_cidr, pair)
            parsed = [parse_cidr_sloppy(c) for c in cidrs]
            for c, net in zip(cidrs, parsed, strict=True):
                if net is None:
                    raise bad(
                        "cluster_cidr",
                        self.cluster_cidr,
                        f"{c!r} must be a valid CIDR block (e.g. 10.100.0.0/16 or fde4:8dba:82e1::/48)"
                        if len(cidrs) > 1
                        else "must be a valid CIDR block (e.g. 10.100.0.0/16 or fde4:8dba:82e1::/48)",
                    )
            if len(parsed) == 2 and parsed[0][1].version == parsed[1][1].version:
                raise bad("cluster_cidr", self.cluster_cidr, pair)
        addrs = list(self.nodeport_addresses or [])
        for i, a in enumerate(addrs):
            if a == "primary":
                if i != 0 or len(addrs) != 1:
                    raise bad("nodeport_addresses", addrs, "can't use both 'primary' and CIDRs")
                break
            if not isinstance(a, str) or parse_cidr_sloppy(a.strip()) is None:
                raise bad("nodeport_addresses", addrs, f"{a!r} must be a valid CIDR")
        if (
            isinstance(self.masquerade_bit, bool)
            or not isinstance(self.masquerade_bit, int)
            or not 0 <= self.masquerade_bit <= 31
        ):
            raise bad("masquerade_bit", self.masquerade_bit, "must be within the range [0, 31]")

    @property
    def is_ipv6(self) -> bool:
        return self.ip_family == "IPv6"

    def for_family(self, family: str) -> ProxierSettings:
        """The same kube-proxy's settings for its ``family`` proxier (``NewDualStackProxier`` gives both
        proxiers the same flags; each keeps what is of its own family).

        >>> s = ProxierSettings(hostname="n", node_ips=["192.168.0.2", "fd00::2"], cluster_cidr="10.0.0.0/8,fd00:10::/64")
        >>> v6 = s.for_family("IPv6")
        >>> v6.ip_family, v6.node_ip, v6.local_detector_cidr, v6.effective_localhost_nodeports
        ('IPv6', 'fd00::2', 'fd00:10::/64', False)
        """
        if family == self.ip_family:
            return self
        return replace(self, ip_family=family)

    @property
    def cluster_cidrs(self) -> list[str]:
        """``--cluster-cidr`` as the CIDRs it lists, each as ``ParseCIDRSloppy(cidr).String()`` writes it.

        >>> ProxierSettings(hostname="n", cluster_cidr="010.0.0.0/08,fd00:10::/64").cluster_cidrs
        ['10.0.0.0/8', 'fd00:10::/64']
        """
        if self.cluster_cidr is None:
            return []
        out = []
        for c in self.cluster_cidr.split(","):
            parsed = parse_cidr_sloppy(c)
            if parsed is not None:
                out.append(str(parsed[1]))
        return out

    @property
    def local_detector_cidr(self) -> str | None:
        """The pod CIDR of this proxier's family that the ClusterCIDR local-traffic detector tests, or ``None``
        (no detector for this family).

        ``getLocalDetectors`` (cmd/kube-proxy/app/server_linux.go): ``MapCIDRsByIPFamily(ClusterCIDRs)``, then
        ``NewDetectLocalByCIDR(cidrs[0].String())`` per family, so a sloppy ``010.0.0.0/08`` is written
        ``10.0.0.0/8`` and an IPv4-only ``--cluster-cidr`` leaves the IPv6 proxier without a detector.

        >>> ProxierSettings(hostname="n", cluster_cidr="10.0.0.0/8", ip_family="IPv6").local_detector_cidr is None
        True
        """
        want = 6 if self.is_ipv6 else 4
        for c in self.cluster_cidrs:
            if ipaddress.ip_network(c).version == want:
                return c
        return None

    @property
    def mark(self) -> str:
        """The masquerade mark as kube-proxy writes it (``fmt.Sprintf("%#08x", 1<<bit)``)."""
        if self.masquerade_mark is not None:
            return self.masquerade_mark
        # Go's %#08x pads the digits to 8 and then prefixes 0x.
        return "0x" + format(1 << self.masquerade_bit, "08x")

    @property
    def node_ip(self) -> str | None:
        for ip in self.node_ips:
            if _family_of(ip) == self.ip_family:
                return str(ipaddress.ip_address(ip))
        return None

    def _cidr_strings(self) -> list[str]:
        raw: list[str] = []
        for s in self.nodeport_addresses or []:
            if s == "primary":
                # cmd/kube-proxy/app resolves "primary" to the node IPs of each family.
                for ip in self.node_ips:
                    a = ipaddress.ip_address(ip)
                    raw.append(f"{a}/{a.max_prefixlen}")
            else:
                raw.append(s)
        # NewNodePortAddresses: keep only CIDRs of this family; none left means "all".
        want_v4 = self.ip_family == "IPv4"
        kept = []
        for s in raw:
            parsed = parse_cidr_sloppy(s.strip())  # ParseCIDRSloppy: "10.0.0.000/08" is 10.0.0.0/8
            if parsed is None:
                continue
            net = parsed[1]
            if (net.version == 4) == want_v4:
                kept.append(str(net))
        return kept or [_ZERO_CIDR[self.ip_family]]

    @property
    def _nodeport_parsed(self) -> tuple[list[ipaddress._BaseNetwork], bool, bool]:
        cidrs: list[ipaddress._BaseNetwork] = []
        match_all = False
        has_loopback = False
        for s in self._cidr_strings():
            net = ipaddress.ip_network(s, strict=False)
            if net.version == 4 and (
                net.network_address.is_loopback or ipaddress.ip_address("127.0.0.0") in net
            ):
                has_loopback = True
            if net.prefixlen == 0:
                cidrs, match_all = [net], True
                break
            cidrs.append(net)
        return cidrs, match_all, has_loopback

    @property
    def nodeport_cidrs(self) -> list[str]:
        return [str(n) for n in self._nodeport_parsed[0]]

    @property
    def nodeport_match_all(self) -> bool:
        return self._nodeport_parsed[1]

    @property
    def effective_localhost_nodeports(self) -> bool:
        """``localhostNodePorts`` after ``NewProxier``: off unless the NodePort CIDRs contain 127.0.0.0.

        (``NewDualStackProxier`` always passes false to the IPv6 proxier.)
        """
        if self.is_ipv6:
            return False
        return self.localhost_nodeports and self._nodeport_parsed[2]

    def nodeport_ips(self) -> list[str]:
        """Local addresses inside the NodePort CIDRs (``NodePortAddresses.GetNodeIPs``), sorted.

        Upstream dedups through a map, so its order is random; we sort by address.
        """
        if self.interface_addresses is not None:
            addrs = list(self.interface_addresses)
        else:
            addrs = ["::1" if self.is_ipv6 else "127.0.0.1", *self.node_ips]
        found: dict[str, ipaddress._BaseAddress] = {}
        for net in self._nodeport_parsed[0]:
            for a in addrs:
                try:
                    ip = ipaddress.ip_address(a)
                except ValueError:
                    continue
                if ip.version == net.version and ip in net:
                    found[str(ip)] = ip
        return [str(ip) for ip in sorted(found.values())]
