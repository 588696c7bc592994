"""``nft -f`` semantics of :class:`k8snet.dataplane.nft.NFTables`: transactions are atomic, and the kernel's
checks refuse what kube-proxy's transactions must never do (flush or delete what does not exist, delete a chain
a rule or a verdict-map element still jumps to, overwrite an element with another value)."""

from __future__ import annotations

import pytest

from k8snet.dataplane.nft import NFTables, NftHost, NftTransactionError
from k8snet.dataplane.packet import Packet

T = "ip kube-proxy"

BASE = f"""add table {T} {{ comment "rules for kube-proxy" ; }}
add chain {T} nat-prerouting {{ type nat hook prerouting priority -100 ; }}
add chain {T} services
add chain {T} service-A
add chain {T} endpoint-A1
add map {T} service-ips {{ type ipv4_addr . inet_proto . inet_service : verdict ; }}
add set {T} affinity-A1 {{ type ipv4_addr ; flags dynamic,timeout ; timeout 10800s ; }}
add rule {T} nat-prerouting jump services
add rule {T} services ip daddr . meta l4proto . th dport vmap @service-ips
add rule {T} service-A numgen random mod 1 vmap {{ 0 : goto endpoint-A1 }}
add rule {T} endpoint-A1 update @affinity-A1 {{ ip saddr }}
add rule {T} endpoint-A1 meta l4proto tcp dnat to 10.0.0.1:80
add element {T} service-ips {{ 172.30.0.1 . tcp . 80 : goto service-A }}
"""


def base() -> NFTables:
    return NFTables(BASE)


@pytest.mark.parametrize(
    "tx,reason",
    [
        (f"flush chain {T} nope", "No such file or directory"),
        (f"delete chain {T} nope", "No such file or directory"),
        (f"delete chain {T} endpoint-A1", "Device or resource busy"),  # service-A's vmap jumps to it
        (f"delete chain {T} service-A", "Device or resource busy"),  # the service-ips element points at it
        (f"add rule {T} nope accept", "No such file or directory"),
        (f"add rule {T} services goto nope", "No such file or directory"),
        (f"add rule {T} services ip saddr @nope drop", "No such file or directory"),
        (f"add element {T} service-ips {{ 172.30.0.1 . tcp . 80 : drop }}", "File exists"),
        (f"add element {T} service-ips {{ 172.30.0.2 . tcp . 80 : goto nope }}", "No such file or directory"),
        (f"delete element {T} service-ips {{ 172.30.0.9 . tcp . 80 }}", "No such file or directory"),
        (f"delete set {T} affinity-A1", "Device or resource busy"),  # endpoint-A1 updates it
        (f"flush map {T} nope", "No such file or directory"),
        ("add chain ip nope services", "No such file or directory"),
    ],
)
def test_refused_transactions_change_nothing(tx, reason):
    nft = base()
    before, version = nft.dump(), nft.version
    # an operation that would succeed comes first: it must be rolled back too
    with pytest.raises(NftTransactionError) as err:
        nft.run(f"add chain {T} extra\nflush chain {T} services\n{tx}\n")
    assert err.value.lineno == 3 and err.value.reason == reason
    assert "Error: Could not process rule: " + reason in str(err.value)
    assert nft.dump() == before and nft.version == version


def test_delete_chain_after_its_references_are_gone():
    nft = base()
    nft.run(f"flush chain {T} service-A\ndelete element {T} service-ips {{ 172.30.0.1 . tcp . 80 }}")
    # endpoint-A1 still has rules: deleting a chain deletes its rules (nothing else points at it now)
    nft.run(f"delete chain {T} endpoint-A1\ndelete chain {T} service-A\ndelete set {T} affinity-A1")
    assert sorted(nft.list("ip", "kube-proxy", "chains")) == ["nat-prerouting", "services"]
    assert nft.list("ip", "kube-proxy", "sets") == []


def test_elements():
    nft = base()
    nft.run(f"add element {T} service-ips {{ 172.30.0.1 . tcp . 80 : goto service-A }}")  # same value: no-op
    nft.run(
        f"delete element {T} service-ips {{ 172.30.0.1 . tcp . 80 }}\n"
        f"add element {T} service-ips {{ 172.30.0.1 . tcp . 80 : drop }}"
    )
    assert f"add element {T} service-ips {{ 172.30.0.1 . tcp . 80 : drop }}" in nft.dump()
    nft.run(f"flush map {T} service-ips\ndelete chain {T} service-A")  # flushing released the reference


def test_host_follows_transactions():
    nft = base()
    host = NftHost(nft, local_ips=["192.168.0.2"])
    pkt = Packet("10.0.0.2", "172.30.0.1", dst_port=80, in_interface="eth0")
    assert [o.destination for o in host.enumerate(pkt)] == ["10.0.0.1:80"]
    nft.run(
        f"add chain {T} endpoint-A2\nadd rule {T} endpoint-A2 meta l4proto tcp dnat to 10.0.0.2:80\n"
        f"flush chain {T} service-A\nadd rule {T} service-A numgen random mod 1 vmap {{ 0 : goto endpoint-A2 }}"
    )
    assert [o.destination for o in host.enumerate(pkt)] == ["10.0.0.2:80"]
