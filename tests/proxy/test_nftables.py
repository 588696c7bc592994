"""Tests for k8snet.proxy.nftables, transcribed from kubernetes/kubernetes ``pkg/proxy/nftables/proxier_test.go``
(v1.34): ``baseRules``, ``TestOverallNFTablesRules``, ``TestSyncProxyRulesRepeated`` (without the transaction
operation counts), ``Test_servicePortChainNameBase``, ``Test_servicePortEndpointChainNameBase``,
``TestLoadBalancerIngressRouteTypeProxy``, ``TestProxier_OnServiceCIDRsChanged`` and ``TestBadIPs``; and from
``pkg/proxy/nftables/helpers_test.go``: ``sortNFTablesTransaction`` (``Test_sortNFTablesTransaction``).
Packet-flow tests of the same file are in ``tests/dataplane/test_nft.py``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from k8snet import manifests
from k8snet.api.core_v1 import Service
from k8snet.api.discovery_v1 import EndpointSlice
from k8snet.proxy.config import ProxierSettings
from k8snet.proxy.endpoints import EndpointInfo
from k8snet.proxy.nftables import (
    NftablesProxier,
    build_nftables_table,
    endpoint_chain_name,
    render_nftables,
    render_nftables_listing,
    service_chain_name,
)
from k8snet.proxy.serviceport import ServicePortName
from k8snet.rules.nftables import dump_table, parse_nftables, sort_nftables_transaction

FIXTURES = Path(__file__).parent / "fixtures" / "nftables"
SERVICE_CIDRS = ["172.30.0.0/16"]
TEST_NODE_IPS = ["192.168.0.2", "192.168.1.2", "192.168.99.11", "2001:db8::1", "2001:db8:1::2"]


def fake_settings() -> ProxierSettings:
    """``NewFakeProxier`` (IPv4): node ``test-node``, mark 0x4000, ClusterCIDR detector 10.0.0.0/8,
    nodePortAddresses ``192.168.0.2/32, 2001:db8::1/128``, interfaces lo + eth0 with the test node IPs."""
    return ProxierSettings(
        hostname="test-node",
        node_ips=["192.168.0.2"],
        cluster_cidr="10.0.0.0/8",
        masquerade_mark="0x4000",
        nodeport_addresses=["192.168.0.2/32", "2001:db8::1/128"],
        interface_addresses=["127.0.0.1", "::1", *TEST_NODE_IPS],
    )


def overall_objects(fixture: str = "overall.yaml"):
    objs = manifests.load(FIXTURES / fixture)
    return [o for o in objs if o.kind == "Service"], [o for o in objs if o.kind == "EndpointSlice"]


def svc(ns: str, name: str, **spec) -> Service:
    status = spec.pop("status", None)
    return Service.model_validate(
        {"metadata": {"name": name, "namespace": ns}, "spec": spec, **({"status": status} if status else {})}
    )


def slice_(ns: str, name: str, endpoints: list, ports: list) -> EndpointSlice:
    """``makeTestEndpointSlice(ns, name, 1, ...)``: endpoints are (ip, nodeName) pairs, ports (name, port, proto)."""
    return EndpointSlice.model_validate(
        {
            "metadata": {
                "name": f"{name}-1",
                "namespace": ns,
                "labels": {"kubernetes.io/service-name": name},
            },
            "addressType": "IPv4",
            "endpoints": [
                {"addresses": [ip], **({"nodeName": node} if node else {})} for ip, node in endpoints
            ],
            "ports": [{"name": n, "port": p, "protocol": proto} for n, p, proto in ports],
        }
    )


def _expected_overall() -> str:
    return (FIXTURES / "base_rules.nft").read_text() + (FIXTURES / "overall_services.nft").read_text()


def test_overall_nftables_rules_match_upstream():
    services, slices = overall_objects()
    got = render_nftables(services, slices, fake_settings(), service_cidrs=SERVICE_CIDRS)
    assert sort_nftables_transaction(got) == sort_nftables_transaction(_expected_overall())


def test_sync_proxy_rules_repeated_initial_sync_matches_upstream():
    # The first, full sync of TestSyncProxyRulesRepeated, from the renderer; the later (partial) syncs are in
    # test_sync_proxy_rules_repeated, through NftablesProxier.
    services, slices = overall_objects("sync_repeated_initial.yaml")
    got = render_nftables(services, slices, fake_settings(), service_cidrs=SERVICE_CIDRS)
    expected = (FIXTURES / "base_rules.nft").read_text() + (
        FIXTURES / "sync_repeated_initial.nft"
    ).read_text()
    assert sort_nftables_transaction(got) == sort_nftables_transaction(expected)


def test_base_rules_only_when_no_services():
    got = render_nftables([], [], fake_settings(), service_cidrs=SERVICE_CIDRS)
    assert sort_nftables_transaction(got) == sort_nftables_transaction(
        (FIXTURES / "base_rules.nft").read_text()
    )


def test_dump_is_in_fake_dump_order_and_reparses_identically():
    services, slices = overall_objects()
    got = render_nftables(services, slices, fake_settings(), service_cidrs=SERVICE_CIDRS)
    lines = got.splitlines()
    assert lines[0] == 'add table ip kube-proxy { comment "rules for kube-proxy" ; }'
    kinds = [ln.split()[1] for ln in lines]
    # table, chains, sets, maps, rules, elements: never goes back to an earlier kind.
    order = ["table", "chain", "set", "map", "rule", "element"]
    assert [order.index(k) for k in kinds] == sorted(order.index(k) for k in kinds)
    reparsed = dump_table(parse_nftables(got)["ip kube-proxy"])
    assert reparsed == got


def test_sort_helper_matches_upstream_helper_test():
    # Test_sortNFTablesTransaction in pkg/proxy/nftables/helpers_test.go (first lines of testInput/testExpected).
    test_input = """
add table ip testing { comment "rules for kube-proxy" ; }

add chain ip testing mark-for-masquerade
add rule ip testing mark-for-masquerade mark set mark or 0x4000
add chain ip testing masquerading
add rule ip testing masquerading mark and 0x4000 == 0 return
add rule ip testing masquerading mark set mark xor 0x4000
add rule ip testing masquerading masquerade fully-random

add set ip testing firewall { type ipv4_addr . inet_proto . inet_service ; comment "x" ; }
# svc1
add element ip testing service-ips { 172.30.0.41 . tcp . 80 : goto service-ULMVA6XW-ns1/svc1/tcp/p80 }
add element ip testing service-ips { 1.2.3.4 . tcp . 80 : goto external-42NFTM6N-ns2/svc2/tcp/p80 }
"""
    expected = """add table ip testing { comment "rules for kube-proxy" ; }
add chain ip testing mark-for-masquerade
add chain ip testing masquerading
add rule ip testing mark-for-masquerade mark set mark or 0x4000
add rule ip testing masquerading mark and 0x4000 == 0 return
add rule ip testing masquerading mark set mark xor 0x4000
add rule ip testing masquerading masquerade fully-random
add set ip testing firewall { type ipv4_addr . inet_proto . inet_service ; comment "x" ; }
add element ip testing service-ips { 1.2.3.4 . tcp . 80 : goto external-42NFTM6N-ns2/svc2/tcp/p80 }
add element ip testing service-ips { 172.30.0.41 . tcp . 80 : goto service-ULMVA6XW-ns1/svc1/tcp/p80 }"""
    assert sort_nftables_transaction(test_input) == expected


def test_nodeport_addresses_match_all_uses_fib_and_no_nodeport_ips_set():
    # setupNFTables: with --nodeport-addresses matching everything the nodeport-ips set is deleted and the
    # NodePort rules match "fib daddr type local" / "ip daddr != 127.0.0.0/8".
    settings = replace(fake_settings(), nodeport_addresses=["0.0.0.0/0"])
    table = build_nftables_table([], [], settings, SERVICE_CIDRS)
    assert "nodeport-ips" not in table.sets
    assert [r.full_text for r in table.chains["services"].rules][1] == (
        "fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports"
    )
    assert [r.full_text for r in table.chains["nodeport-endpoints-check"].rules] == [
        "ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @no-endpoint-nodeports"
    ]


def test_nodeport_addresses_default_is_primary_in_nftables_mode():
    settings = replace(fake_settings(), nodeport_addresses=None)
    table = build_nftables_table([], [], settings, SERVICE_CIDRS)
    assert [e.key for e in table.sets["nodeport-ips"].elements] == [("192.168.0.2",)]


def test_lb_source_ranges_including_node_ip_allow_lb_ips():
    # TestLoadBalancer's service: the node IP is inside 192.168.0.0/24, so the LB IPs are allowed too.
    s = svc(
        "ns1",
        "svc1",
        type="LoadBalancer",
        clusterIP="172.30.0.41",
        ports=[{"name": "p80", "port": 80, "protocol": "TCP", "nodePort": 3001}],
        loadBalancerSourceRanges=["192.168.0.0/24", " 203.0.113.0/25"],
        status={"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}, {"ip": "5.6.7.8"}]}},
    )
    es = slice_("ns1", "svc1", [("10.180.0.1", None)], [("p80", 80, "TCP")])
    table = build_nftables_table([s], [es], fake_settings(), SERVICE_CIDRS)
    fw = table.chains["firewall-HVFWP5L3-ns1/svc1/tcp/p80".replace("HVFWP5L3", _hash("ns1/svc1/tcp/p80"))]
    assert [r.full_text for r in fw.rules] == [
        "ip saddr != { 192.168.0.0/24 , 203.0.113.0/25 , 1.2.3.4 , 5.6.7.8 } drop"
    ]


def _hash(name: str) -> str:
    from k8snet.proxy.nftables import hash_and_truncate

    return hash_and_truncate(name).split("-", 1)[0]


def test_listing_renders_same_content():
    services, slices = overall_objects()
    listing = render_nftables_listing(services, slices, fake_settings(), service_cidrs=SERVICE_CIDRS)
    assert listing.startswith('table ip kube-proxy {\n\tcomment "rules for kube-proxy"\n')
    assert "\t\ttype nat hook prerouting priority dstnat; policy accept;" in listing
    assert "\t\ttype filter hook prerouting priority dstnat - 10; policy accept;" in listing
    # Parsing the listing back gives the same objects and rule statements as the dump (only the spacing of
    # anonymous sets differs: nft prints "{ a, b }", knftables writes "{ a , b }").
    dump = parse_nftables(render_nftables(services, slices, fake_settings(), service_cidrs=SERVICE_CIDRS))
    again = parse_nftables(listing)
    t1, t2 = dump["ip kube-proxy"], again["ip kube-proxy"]
    assert sorted(t1.chains) == sorted(t2.chains) and t1.sets == t2.sets and t1.maps == t2.maps
    for name, chain in t1.chains.items():
        other = t2.chains[name]
        assert (chain.type, chain.hook, chain.priority, chain.comment) == (
            other.type,
            other.hook,
            other.priority,
            other.comment,
        )
        assert [(r.statements, r.comment) for r in chain.rules] == [
            (r.statements, r.comment) for r in other.rules
        ]


def test_listing_uses_nft_spelling():
    # nft's own spelling, as a real "nft list table ip kube-proxy" prints kube-proxy's rules (mark expressions
    # as 32-bit hex with |/^/&, one-element anonymous sets bare, standard priority names only where valid for
    # the hook, addresses two per element line).
    services, slices = overall_objects()
    listing = render_nftables_listing(services, slices, fake_settings(), service_cidrs=SERVICE_CIDRS)
    for line in [
        "\t\tmeta mark & 0x00004000 == 0x00000000 return",
        "\t\tmeta mark set meta mark ^ 0x00004000",
        "\t\tmeta mark set meta mark | 0x00004000",
        '\t\tip daddr 172.30.0.0/16 drop comment "Drop traffic to unallocated ClusterIPs"',
        "\t\tip saddr != 203.0.113.0/25 drop",
        "\t\ttype nat hook output priority -100; policy accept;",
        "\t\ttype nat hook postrouting priority srcnat; policy accept;",
        "\t\ttype filter hook input priority filter; policy accept;",
        "\t\ttype filter hook output priority -110; policy accept;",
        "\t\telements = { 172.30.0.41, 172.30.0.42,\n\t\t\t     172.30.0.43, 172.30.0.44,\n\t\t\t     172.30.0.45, "
        "172.30.0.46 }",
        '\tchain reject-chain {\n\t\tcomment "helper for @no-endpoint-services / @no-endpoint-nodeports"\n\t\treject\n',
    ]:
        assert line in listing, line


# ---- TestSyncProxyRulesRepeated (all steps) ------------------------------------------------------------------
# Expected texts are upstream's, assembled from the blocks each step repeats verbatim.

R = "add rule ip kube-proxy "
C = "add chain ip kube-proxy "
MASQ_SRC = " ip saddr != 10.0.0.0/8 jump mark-for-masquerade"


def _svc_block(chain, cip, endpoints):
    """service chain + its endpoint chains, as upstream writes them for a ClusterIP service."""
    lines = [f"{C}{chain}", f"{R}{chain} ip daddr {cip}{MASQ_SRC}"]
    vmap = " , ".join(f"{i} : goto {ep}" for i, (ep, _) in enumerate(endpoints))
    lines.append(f"{R}{chain} numgen random mod {len(endpoints)} vmap {{ {vmap} }}")
    for ep, ipport in endpoints:
        ip = ipport.split(":")[0]
        lines += [
            f"{C}{ep}",
            f"{R}{ep} ip saddr {ip} jump mark-for-masquerade",
            f"{R}{ep} meta l4proto tcp dnat to {ipport}",
        ]
    return lines


SVC1 = _svc_block(
    "service-ULMVA6XW-ns1/svc1/tcp/p80",
    "172.30.0.41",
    [("endpoint-5TPGNJF2-ns1/svc1/tcp/p80__10.0.1.1/80", "10.0.1.1:80")],
)
SVC2 = _svc_block(
    "service-MHHHYRWA-ns2/svc2/tcp/p8080",
    "172.30.0.42",
    [("endpoint-7RVP4LUQ-ns2/svc2/tcp/p8080__10.0.2.1/8080", "10.0.2.1:8080")],
)
SVC3_A = _svc_block(
    "service-4AT6LBPK-ns3/svc3/tcp/p80",
    "172.30.0.43",
    [("endpoint-2OCDJSZQ-ns3/svc3/tcp/p80__10.0.3.1/80", "10.0.3.1:80")],
)
SVC3_B = _svc_block(
    "service-4AT6LBPK-ns3/svc3/tcp/p80",
    "172.30.0.43",
    [("endpoint-SWWHDC7X-ns3/svc3/tcp/p80__10.0.3.2/80", "10.0.3.2:80")],
)
SVC3_C = _svc_block(
    "service-4AT6LBPK-ns3/svc3/tcp/p80",
    "172.30.0.43",
    [
        ("endpoint-SWWHDC7X-ns3/svc3/tcp/p80__10.0.3.2/80", "10.0.3.2:80"),
        ("endpoint-TQ2QKHCZ-ns3/svc3/tcp/p80__10.0.3.3/80", "10.0.3.3:80"),
    ],
)
SVC4 = _svc_block(
    "service-LAUZTJTB-ns4/svc4/tcp/p80",
    "172.30.0.44",
    [("endpoint-WAHRBT2B-ns4/svc4/tcp/p80__10.0.4.1/80", "10.0.4.1:80")],
)


def _elements(cluster_ips, service_ips, no_endpoints=()):
    lines = [f"add element ip kube-proxy cluster-ips {{ {ip} }}" for ip in cluster_ips]
    lines += [
        f"add element ip kube-proxy service-ips {{ {ip} . tcp . {port} : goto {chain} }}"
        for ip, port, chain in service_ips
    ]
    lines += [
        f'add element ip kube-proxy no-endpoint-services {{ {ip} . tcp . 80 comment "{name}" : goto reject-chain }}'
        for ip, name in no_endpoints
    ]
    return lines


def _expected(*blocks):
    return (FIXTURES / "base_rules.nft").read_text() + "\n".join(line for b in blocks for line in b) + "\n"


S1 = ("172.30.0.41", 80, "service-ULMVA6XW-ns1/svc1/tcp/p80")
S2 = ("172.30.0.42", 8080, "service-MHHHYRWA-ns2/svc2/tcp/p8080")
S3 = ("172.30.0.43", 80, "service-4AT6LBPK-ns3/svc3/tcp/p80")
S4 = ("172.30.0.44", 80, "service-LAUZTJTB-ns4/svc4/tcp/p80")


def test_sync_proxy_rules_repeated():
    # Driven by events as upstream; after each sync the kernel's table (nft.Dump()) and the number of operations
    # of the sync's transaction (nft.LastTransaction.NumOperations()) are checked.
    p80 = [{"name": "p80", "port": 80, "protocol": "TCP"}]
    svc1 = svc("ns1", "svc1", type="ClusterIP", clusterIP="172.30.0.41", ports=p80)
    svc2 = svc(
        "ns2",
        "svc2",
        type="ClusterIP",
        clusterIP="172.30.0.42",
        ports=[{"name": "p8080", "port": 8080, "protocol": "TCP"}],
    )
    svc3 = svc("ns3", "svc3", type="ClusterIP", clusterIP="172.30.0.43", ports=p80)
    svc4 = svc("ns4", "svc4", type="ClusterIP", clusterIP="172.30.0.44", ports=p80)
    eps1 = slice_("ns1", "svc1", [("10.0.1.1", None)], [("p80", 80, "TCP")])
    eps2 = slice_("ns2", "svc2", [("10.0.2.1", None)], [("p8080", 8080, "TCP")])
    eps3 = slice_("ns3", "svc3", [("10.0.3.1", None)], [("p80", 80, "TCP")])
    eps3update = slice_("ns3", "svc3", [("10.0.3.2", None)], [("p80", 80, "TCP")])
    eps3update2 = slice_("ns3", "svc3", [("10.0.3.2", None), ("10.0.3.3", None)], [("p80", 80, "TCP")])
    eps3update3 = slice_("ns3", "svc3", [], [("p80", 80, "TCP")])
    eps4 = slice_("ns4", "svc4", [("10.0.4.1", None)], [("p80", 80, "TCP")])

    now = [1000.0]
    fp = NftablesProxier(fake_settings(), SERVICE_CIDRS, clock=lambda: now[0])

    def age_stale_chains():  # upstream's ageStaleChains: make it look like 2 s have passed
        now[0] += 2

    def check(expected, operations=None):
        result = fp.sync()
        assert result.success
        assert sort_nftables_transaction(fp.dump()) == sort_nftables_transaction(expected)
        if operations is not None:
            assert fp.last_transaction.num_operations == operations

    # Create initial state
    for s in (svc1, svc2):
        fp.on_service_add(s)
    for es in (eps1, eps2):
        fp.on_endpointslice_add(es)
    check(_expected(_elements(["172.30.0.41", "172.30.0.42"], [S1, S2]), SVC1, SVC2))
    # Add a new service and its endpoints
    fp.on_service_add(svc3)
    fp.on_endpointslice_add(eps3)
    # add 1 element to cluster-ips and service-ips = 2 operations
    # add+flush 2 chains for service and endpoint, add 2 rules in each = 8 operations
    check(
        _expected(_elements(["172.30.0.41", "172.30.0.42", "172.30.0.43"], [S1, S2, S3]), SVC1, SVC2, SVC3_A),
        10,
    )
    # Delete a service; its chains will be flushed, but not immediately deleted.
    fp.on_service_delete(svc2)
    svc2_stale = [
        f"{C}service-MHHHYRWA-ns2/svc2/tcp/p8080",
        f"{C}endpoint-7RVP4LUQ-ns2/svc2/tcp/p8080__10.0.2.1/8080",
    ]
    # delete 1 element from cluster-ips and service-ips = 2 operations
    # flush 2 chains for service and endpoint = 2 operations
    check(_expected(_elements(["172.30.0.41", "172.30.0.43"], [S1, S3]), SVC1, svc2_stale, SVC3_A), 4)
    # Fake the passage of time and confirm that the stale chains get deleted.
    age_stale_chains()
    after_delete = _expected(_elements(["172.30.0.41", "172.30.0.43"], [S1, S3]), SVC1, SVC3_A)
    # delete stale chains happens in a separate transaction, nothing else changed => last transaction will
    # have 0 operations.
    check(after_delete, 0)
    # Add a service, sync, then add its endpoints.
    fp.on_service_add(svc4)
    # add 1 element to cluster-ips and no-endpoint-services = 2 operations
    check(
        _expected(
            _elements(
                ["172.30.0.41", "172.30.0.43", "172.30.0.44"], [S1, S3], [("172.30.0.44", "ns4/svc4:p80")]
            ),
            SVC1,
            SVC3_A,
        ),
        2,
    )
    fp.on_endpointslice_add(eps4)
    # add 1 element to service-ips, remove 1 element from no-endpoint-services = 2 operations
    # add+flush 2 chains for service and endpoint, add 2 rules in each = 8 operations
    check(
        _expected(_elements(["172.30.0.41", "172.30.0.43", "172.30.0.44"], [S1, S3, S4]), SVC1, SVC3_A, SVC4),
        10,
    )
    # Change an endpoint of an existing service. The old endpoint chain (for 10.0.3.1) will not be deleted yet.
    fp.on_endpointslice_update(eps3, eps3update)
    old_ep = [f"{C}endpoint-2OCDJSZQ-ns3/svc3/tcp/p80__10.0.3.1/80"]
    # add+flush 2 chains for service and endpoint, add 2 rules in each = 8 operations
    # flush old endpoint chain = 1 operation
    check(
        _expected(
            _elements(["172.30.0.41", "172.30.0.43", "172.30.0.44"], [S1, S3, S4]),
            SVC1,
            SVC3_B[:3],
            old_ep,
            SVC3_B[3:],
            SVC4,
        ),
        9,
    )
    # (Ensure the old svc3 chain gets deleted in the next sync.) Add an endpoint to a service.
    age_stale_chains()
    fp.on_endpointslice_update(eps3update, eps3update2)
    restored = _expected(
        _elements(["172.30.0.41", "172.30.0.43", "172.30.0.44"], [S1, S3, S4]), SVC1, SVC3_C, SVC4
    )
    # add+flush 3 chains for 1 service and 2 endpoints, add 2 rules in each = 12 operations
    check(restored, 12)
    # Empty a service's endpoints; its chains will be flushed, but not immediately deleted.
    fp.on_endpointslice_update(eps3update2, eps3update3)
    svc3_stale = [
        "service-4AT6LBPK-ns3/svc3/tcp/p80",
        "endpoint-SWWHDC7X-ns3/svc3/tcp/p80__10.0.3.2/80",
        "endpoint-TQ2QKHCZ-ns3/svc3/tcp/p80__10.0.3.3/80",
    ]
    # remove 1 element from service-ips, add 1 element to no-endpoint-services = 2 operations
    # flush 3 chains = 3 operations
    check(
        _expected(
            _elements(
                ["172.30.0.41", "172.30.0.43", "172.30.0.44"], [S1, S4], [("172.30.0.43", "ns3/svc3:p80")]
            ),
            SVC1,
            [C + c for c in svc3_stale],
            SVC4,
        ),
        5,
    )
    assert set(fp.stale_chains) == set(svc3_stale)
    # Restore endpoints to non-empty immediately; its chains will be restored, and deleted from staleChains.
    fp.on_endpointslice_update(eps3update3, eps3update2)
    # remove 1 element from no-endpoint-services, add 1 element to service-ips = 2 operations
    # add+flush 3 chains for 1 service and 2 endpoints, add 2 rules in each = 12 operations
    check(restored, 14)
    assert fp.stale_chains == {}
    # Empty a service's endpoints and restore it after stale chains age.
    # - its chains will be flushed, but not immediately deleted in the first sync.
    # - its chains will be deleted first, then recreated in the second sync.
    fp.on_endpointslice_update(eps3update2, eps3update3)
    fp.sync()
    age_stale_chains()
    fp.on_endpointslice_update(eps3update3, eps3update2)
    # The second change counteracts the first one, so same expected rules as last time
    check(restored)
    # Sync with no new changes, so same expected rules as last time
    check(restored, 0)


def test_sync_with_whole_object_lists():
    # NftablesProxier.sync(services, slices): the difference from the last lists becomes events.
    services, slices = overall_objects("sync_repeated_initial.yaml")
    fp = NftablesProxier(fake_settings(), SERVICE_CIDRS)
    assert fp.sync(services, slices).full
    expected = (FIXTURES / "base_rules.nft").read_text() + (
        FIXTURES / "sync_repeated_initial.nft"
    ).read_text()
    assert sort_nftables_transaction(fp.dump()) == sort_nftables_transaction(expected)
    result = fp.sync(services[:1], slices)
    assert not result.full and result.updated_services == {("ns2", "svc2")}


def test_full_sync_of_an_empty_ruleset_is_the_rendered_table():
    services, slices = overall_objects()
    fp = NftablesProxier(fake_settings(), SERVICE_CIDRS)
    for s in services:
        fp.on_service_add(s)
    for es in slices:
        fp.on_endpointslice_add(es)
    assert fp.sync().full
    assert fp.dump() == render_nftables(services, slices, fake_settings(), service_cidrs=SERVICE_CIDRS)
    # a full sync over the existing table leaves it as it is (the transaction rewrites everything)
    assert fp.force_sync().full
    assert fp.dump() == render_nftables(services, slices, fake_settings(), service_cidrs=SERVICE_CIDRS)


# ---- Test_servicePortChainNameBase / Test_servicePortEndpointChainNameBase -----------------------------------

LONG_NS = "very-long-namespace-name-abcdefghijklmnopqrstuvwxyz0123456789xx"
LONG_SVC = "very-long-service-name-why-would-you-even-do-this-i-mean-really"
LONG_PORT = "port-443-providing-the-hypertext-transmission-protocol-with-tls"


@pytest.mark.parametrize(
    "ns,name,port,protocol,expected",
    [
        ("testing", "service", "http", "TCP", "P4ZYZVCF-testing/service/tcp/http"),
        ("testing", "service", "https", "TCP", "LZBRENCP-testing/service/tcp/https"),
        (LONG_NS, LONG_SVC, LONG_PORT, "SCTP", f"KR6NACJP-{LONG_NS}/{LONG_SVC}/sctp/{LONG_PORT}"),
    ],
    ids=["simple", "different port, different hash", "max length"],
)
def test_service_port_chain_name_base(ns, name, port, protocol, expected):
    assert service_chain_name("service", ServicePortName(ns, name, port, protocol)) == "service-" + expected


@pytest.mark.parametrize(
    "ns,name,port,protocol,ip,ep_port,expected",
    [
        (
            "testing",
            "service",
            "http",
            "TCP",
            "10.180.0.1",
            80,
            "JO2XBXZR-testing/service/tcp/http__10.180.0.1/80",
        ),
        (
            "testing",
            "service",
            "http",
            "TCP",
            "10.180.0.2",
            80,
            "5S6H3H22-testing/service/tcp/http__10.180.0.2/80",
        ),
        (
            "testing",
            "service",
            "http",
            "TCP",
            "fd80:abcd:12::a1b2:c3d4:e5f6:9999",
            80,
            "U7E2ET36-testing/service/tcp/http__fd80.abcd.12..a1b2.c3d4.e5f6.9999/80",
        ),
        (
            LONG_NS,
            LONG_SVC,
            LONG_PORT,
            "SCTP",
            "1234:5678:9abc:def0::abc:1234",
            443,
            f"5YS7AFEA-{LONG_NS}/{LONG_SVC}/sctp/{LONG_PORT}__1234.5678.9abc.def0..abc.1234/443",
        ),
        (
            LONG_NS,
            LONG_SVC,
            LONG_PORT,
            "SCTP",
            "1234:5678:9abc:def0::abcd:1234:5678",
            443,
            f"CI6C53Q3-{LONG_NS}/{LONG_SVC}/sctp/{LONG_PORT}__1234.5678.9abc.def0..abcd.1234...",
        ),
        (
            LONG_NS,
            LONG_SVC,
            LONG_PORT,
            "SCTP",
            "1234:5678:9abc:def0::abcd:1234:8765",
            443,
            f"2FLXFK6X-{LONG_NS}/{LONG_SVC}/sctp/{LONG_PORT}__1234.5678.9abc.def0..abcd.1234...",
        ),
    ],
    ids=[
        "simple",
        "different endpoint, different hash",
        "ipv6",
        "max length without truncation",
        "truncated, 1",
        "truncated, 2 (different IP, which is not visible in the result)",
    ],
)
def test_service_port_endpoint_chain_name_base(ns, name, port, protocol, ip, ep_port, expected):
    spn = ServicePortName(ns, name, port, protocol)
    assert endpoint_chain_name(spn, EndpointInfo(ip, ep_port)) == "endpoint-" + expected


# ---- TestLoadBalancerIngressRouteTypeProxy / TestProxier_OnServiceCIDRsChanged -------------------------------


@pytest.mark.parametrize(
    "svc_ip,lb_ip,ip_mode,expected_rule",
    [
        ("10.20.30.41", "1.2.3.4", "Proxy", False),
        ("10.20.30.42", "1.2.3.5", "VIP", True),
        ("10.20.30.43", "1.2.3.6", None, True),
    ],
    ids=["ipMode Proxy", "ipMode VIP", "ipMode nil"],
)
def test_load_balancer_ingress_route_type_proxy(svc_ip, lb_ip, ip_mode, expected_rule):
    ingress = {"ip": lb_ip, **({"ipMode": ip_mode} if ip_mode else {})}
    s = svc(
        "ns1",
        "svc1",
        type="LoadBalancer",
        clusterIP=svc_ip,
        ports=[{"name": "p80", "port": 80, "protocol": "TCP", "nodePort": 3001}],
        status={"loadBalancer": {"ingress": [ingress]}},
    )
    es = slice_("ns1", "svc1", [("10.180.0.1", None)], [("p80", 80, "TCP")])
    table = build_nftables_table([s], [es], fake_settings(), SERVICE_CIDRS)
    keys = [e.key for e in table.maps["service-ips"].elements]
    assert ((lb_ip, "tcp", "80") in keys) == expected_rule


@pytest.mark.parametrize(
    "family,cidrs,expected",
    [
        ("IPv4", ["172.30.0.0/16", "fd00:10:96::/112"], "172.30.0.0/16"),
        (
            "IPv4",
            ["172.30.0.0/16", "172.50.0.0/16", "fd00:10:96::/112", "fd00:172:30::/112"],
            "172.30.0.0/16,172.50.0.0/16",
        ),
        ("IPv6", ["172.30.0.0/16", "fd00:10:96::/112"], "fd00:10:96::/112"),
        (
            "IPv6",
            ["172.30.0.0/16", "172.50.0.0/16", "fd00:10:96::/112", "fd00:172:30::/112"],
            "fd00:10:96::/112,fd00:172:30::/112",
        ),
    ],
)
def test_service_cidrs_of_the_proxier_family(family, cidrs, expected):
    # TestProxier_OnServiceCIDRsChanged checks proxier.serviceCIDRs; here the string as it lands in the rule.
    settings = replace(
        fake_settings(),
        ip_family=family,
        node_ips=["2001:db8::1"] if family == "IPv6" else ["192.168.0.2"],
        cluster_cidr="fd00:10::/64" if family == "IPv6" else "10.0.0.0/8",
    )
    table = build_nftables_table([], [], settings, cidrs)
    ipx = "ip6" if family == "IPv6" else "ip"
    assert table.chains["cluster-ips-check"].rules[1].text == f"{ipx} daddr {{ {expected} }} drop"


# ---- TestBadIPs ----------------------------------------------------------------------------------------------


def test_bad_ips_are_rewritten():
    s = svc(
        "ns1",
        "svc1",
        type="LoadBalancer",
        clusterIP="172.30.0.041",
        ports=[{"name": "p80", "port": 80, "protocol": "TCP", "nodePort": 3001}],
        status={"loadBalancer": {"ingress": [{"ip": "1.2.3.004"}]}},
        externalIPs=["192.168.099.022"],
        loadBalancerSourceRanges=["203.0.113.000/025"],
    )
    es = slice_("ns1", "svc1", [("10.180.00.001", None)], [("p80", 80, "TCP")])
    got = render_nftables([s], [es], fake_settings(), service_cidrs=SERVICE_CIDRS)
    chain, ext, ep, fw = (
        "service-ULMVA6XW-ns1/svc1/tcp/p80",
        "external-ULMVA6XW-ns1/svc1/tcp/p80",
        "endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80",
        "firewall-ULMVA6XW-ns1/svc1/tcp/p80",
    )
    expected = (
        (FIXTURES / "base_rules.nft").read_text()
        + "\n".join(
            [
                f"add chain ip kube-proxy {chain}",
                f"add rule ip kube-proxy {chain} ip daddr 172.30.0.41 ip saddr != 10.0.0.0/8 jump mark-for-masquerade",
                f"add rule ip kube-proxy {chain} numgen random mod 1 vmap {{ 0 : goto {ep} }}",
                f"add chain ip kube-proxy {ext}",
                f"add rule ip kube-proxy {ext} jump mark-for-masquerade",
                f"add rule ip kube-proxy {ext} goto {chain}",
                f"add chain ip kube-proxy {ep}",
                f"add rule ip kube-proxy {ep} ip saddr 10.180.0.1 jump mark-for-masquerade",
                f"add rule ip kube-proxy {ep} meta l4proto tcp dnat to 10.180.0.1:80",
                f"add chain ip kube-proxy {fw}",
                f"add rule ip kube-proxy {fw} ip saddr != {{ 203.0.113.0/25 }} drop",
                "add element ip kube-proxy cluster-ips { 172.30.0.41 }",
                f"add element ip kube-proxy service-ips {{ 172.30.0.41 . tcp . 80 : goto {chain} }}",
                f"add element ip kube-proxy service-ips {{ 192.168.99.22 . tcp . 80 : goto {ext} }}",
                f"add element ip kube-proxy service-ips {{ 1.2.3.4 . tcp . 80 : goto {ext} }}",
                f"add element ip kube-proxy service-nodeports {{ tcp . 3001 : goto {ext} }}",
                f"add element ip kube-proxy firewall-ips {{ 1.2.3.4 . tcp . 80 : goto {fw} }}",
            ]
        )
        + "\n"
    )
    assert sort_nftables_transaction(got) == sort_nftables_transaction(expected)


def test_full_sync_text_kept_per_service_is_the_structured_transaction():
    # A full sync writes each Service port's operations from text kept per port; the transaction must be the one
    # the structured operations write (same lines, same order, same count).
    from k8snet.proxy.nftables import full_sync_transaction

    services, slices = overall_objects()
    structured = full_sync_transaction(services, slices, fake_settings(), SERVICE_CIDRS)
    fp = NftablesProxier(fake_settings(), SERVICE_CIDRS)
    for s in services:
        fp.on_service_add(s)
    for es in slices:
        fp.on_endpointslice_add(es)
    result = fp.sync()
    assert result.payload == structured.text()
    assert fp.last_transaction.num_operations == structured.num_operations == result.payload.count("\n")
