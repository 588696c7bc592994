"""Shared helpers for the dataplane tests: upstream's test addresses and tracePacket-style results.

Addresses are the conventions of kubernetes/kubernetes pkg/proxy/iptables/proxier_test.go
(NewFakeProxier): pod IPs 10.0.0.0/8, ClusterIPs 172.30.0.0/16, local node IP 192.168.0.2,
external IPs 192.168.99.0/24, LB IPs 1.2.3.4/5.6.7.8/9.10.11.12, non-cluster clients 203.0.113.0/24,
LB source range 203.0.113.0/25.
"""

from __future__ import annotations

from pathlib import Path

from k8snet.dataplane import NetfilterHost, Packet
from k8snet.rules.iptables import parse_iptables

FIXTURES = Path(__file__).parents[1] / "dataplane" / "fixtures"

TEST_NODE_IP = "192.168.0.2"
TEST_NODE_IP_ALT = "192.168.1.2"
TEST_EXTERNAL_IP = "192.168.99.11"
TEST_EXTERNAL_CLIENT = "203.0.113.2"
TEST_EXTERNAL_CLIENT_BLOCKED = "203.0.113.130"
# testNodeIPs: the addresses upstream's tracer treats as LOCAL (plus 127.0.0.1 and ::1).
TEST_NODE_IPS = [TEST_NODE_IP, TEST_NODE_IP_ALT, TEST_EXTERNAL_IP, "2001:db8::1", "2001:db8:1::2"]

# The jump rules kube-proxy installs in the built-in chains with EnsureRule(Prepend, ...)
# (iptablesJumpChains in pkg/proxy/iptables/proxier.go), plus kubelet's KUBE-FIREWALL jumps, as
# iptables-save prints them. Upstream's expected restore text does not contain them because they
# are not part of the iptables-restore input.
BASE_RULES = {
    "filter": """\
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL
-A INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS
-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES
-A INPUT -j KUBE-FIREWALL
-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL
-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD
-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES
-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL
-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -j KUBE-FIREWALL
""",
    "nat": """\
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
""",
}


def with_base_chains(restore_text: str) -> str:
    """kube-proxy's restore text plus the built-in chain jumps, i.e. what the kernel then holds.

    kubelet's ``-j KUBE-FIREWALL`` jumps are kept only when the payload defines that chain: kube-proxy writes it
    only for IPv4 with localhost NodePorts (``if !isIPv6 && proxier.localhostNodePorts``), and kubelet creates
    it only in the IPv4 tables, as :func:`k8snet.proxy.iptables.base_jump_rules` does."""
    out = []
    firewall = ":KUBE-FIREWALL " in restore_text
    for line in restore_text.splitlines():
        out.append(line)
        if line in ("*filter", "*nat"):
            base = BASE_RULES[line[1:]].rstrip("\n").splitlines()
            out.extend(b for b in base if firewall or not b.endswith("-j KUBE-FIREWALL"))
    return "\n".join(out) + "\n"


def load_fixture(name: str) -> str:
    return (FIXTURES / name).read_text()


def host_for(name: str, add_base: bool = True, **kwargs) -> NetfilterHost:
    text = load_fixture(name)
    if add_base:
        text = with_base_chains(text)
    return NetfilterHost(parse_iptables(text), TEST_NODE_IPS, **kwargs)


def trace(host: NetfilterHost, source_ip: str, dest_ip: str, dest_port: int, protocol: str = "TCP"):
    """(output, masq) the way upstream's runPacketFlowTests compares them: outputs of all
    outcomes joined with ", ", masq true if any outcome is masqueraded."""
    outcomes = host.enumerate(Packet(source_ip, dest_ip, protocol=protocol, dst_port=dest_port))
    assert sum(o.probability for o in outcomes) == 1
    output = ", ".join(o.output for o in outcomes if o.output)
    return output, any(o.masquerade for o in outcomes)
