"""The iptables proxier over time: change tracking, partial syncs, stale chains, failed restores.

Transcribed from kubernetes/kubernetes ``pkg/proxy/iptables/proxier_test.go`` (v1.34):

- ``TestSyncProxyRulesRepeated``: every step's expected ``iptables-restore`` input (fixtures in
  ``tests/proxy/fixtures/sync_repeated``, the first step in ``sync_repeated_initial.iptables``), compared after
  ``sortIPTablesRules``, the rule-count metrics checked after each step (``countRules`` of the expected dump
  against ``sync_proxy_rules_iptables_last``, and the running total against ``sync_proxy_rules_iptables_total``),
  and the forced partial-restore failure followed by a full resync;
- ``TestSyncProxyRulesLargeClusterMode``: its partial syncs (a new Service's chains are written without
  comments while the others are left alone; stale chains are deleted only once ``syncPeriod`` has passed);
- ``TestNoopEndpointSlice`` (winkernel/ipvs): events for empty or unchanged slices change nothing.

Plus properties of our own: a partial sync leaves the kernel's tables exactly as a fresh full sync of the same
objects would (random change sequences), and the payloads restore cleanly.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from helpers.iptables_golden import assert_iptables_rules_equal, parse_iptables_dump
from helpers.proxy_changes import CHANGES, replay
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from k8snet import manifests
from k8snet.api.core_v1 import Node, Service
from k8snet.api.discovery_v1 import EndpointSlice
from k8snet.dataplane.netfilter import IPTables, NetfilterHost
from k8snet.dataplane.packet import Packet
from k8snet.proxy.config import ProxierSettings
from k8snet.proxy.iptables import IPTablesProxier, render_iptables

FIXTURES = Path(__file__).parent / "fixtures"
STEPS = FIXTURES / "sync_repeated"

# NewFakeProxier (proxier_test.go), as in test_iptables.py
FAKE_SETTINGS = ProxierSettings(
    hostname="test-node",
    node_ips=["192.168.0.2"],
    cluster_cidr="10.0.0.0/8",
    masquerade_mark="0x4000",
    localhost_nodeports=True,
    nodeport_addresses=None,
    random_fully=False,
    nfacct=True,
    interface_addresses=[
        "127.0.0.1",
        "::1",
        "192.168.0.2",
        "192.168.1.2",
        "192.168.99.11",
        "2001:db8::1",
        "2001:db8:1::2",
    ],
)


def svc(ns: str, name: str, ip: str, port_name: str, port: int, **spec) -> Service:
    return Service.model_validate(
        {
            "metadata": {"name": name, "namespace": ns},
            "spec": {
                "type": "ClusterIP",
                "clusterIP": ip,
                "ports": [{"name": port_name, "port": port, "protocol": "TCP"}],
                **spec,
            },
        }
    )


def eps(ns: str, name: str, addresses: list[str], port_name: str, port: int) -> EndpointSlice:
    """``makeTestEndpointSlice(ns, name, 1, ...)``."""
    return EndpointSlice.model_validate(
        {
            "metadata": {
                "name": f"{name}-1",
                "namespace": ns,
                "labels": {"kubernetes.io/service-name": name},
            },
            "addressType": "IPv4",
            "endpoints": [{"addresses": [a]} for a in addresses],
            "ports": [{"name": port_name, "port": port, "protocol": "TCP"}],
        }
    )


def expected(step: str) -> str:
    text = (STEPS / f"{step}.iptables").read_text()
    return "".join(line + "\n" for line in text.splitlines() if not line.startswith("#"))


def count_rules(table: str, dump: str) -> int:
    """``countRules``: the rules of one table of a dump."""
    return sum(len(c.rules) for t in parse_iptables_dump(dump) if t.name == table for c in t.chains)


def test_sync_proxy_rules_repeated():
    fp = IPTablesProxier(FAKE_SETTINGS)

    def check(step: str, consistency: bool = False) -> None:
        want = expected(step)
        assert_iptables_rules_equal(consistency, want, fp.iptables_data)
        assert fp.metrics.rules_last_sync["nat"] == count_rules("nat", want)

    # Create initial state
    svc2 = svc("ns2", "svc2", "172.30.0.42", "p8080", 8080)
    fp.on_service_add(svc("ns1", "svc1", "172.30.0.41", "p80", 80))
    fp.on_service_add(svc2)
    fp.on_endpointslice_add(eps("ns1", "svc1", ["10.0.1.1"], "p80", 80))
    fp.on_endpointslice_add(eps("ns2", "svc2", ["10.0.2.1"], "p8080", 8080))
    assert fp.sync().full
    initial = (FIXTURES / "sync_repeated_initial.iptables").read_text()
    assert_iptables_rules_equal(True, initial, fp.iptables_data)
    rules_total = count_rules("nat", initial)
    assert fp.metrics.rules_last_sync["nat"] == rules_total == fp.metrics.rules_total["nat"]

    # Add a new service and its endpoints. (This will only sync the SVC and SEP rules for the new service,
    # not the existing ones.)
    fp.on_service_add(svc("ns3", "svc3", "172.30.0.43", "p80", 80))
    eps3 = eps("ns3", "svc3", ["10.0.3.1"], "p80", 80)
    fp.on_endpointslice_add(eps3)
    assert not fp.sync().full
    check("2-add-svc3")
    # We added 1 KUBE-SERVICES rule, 2 KUBE-SVC-X27LE4BHSL4DOUIK rules, and 2 KUBE-SEP-BSWRHOQ77KEXZLNL rules.
    rules_total += 5
    assert fp.metrics.rules_total["nat"] == rules_total

    # Delete a service. (Won't update the other services.)
    fp.on_service_delete(svc2)
    fp.sync()
    check("3-delete-svc2")
    rules_total -= 5
    assert fp.metrics.rules_total["nat"] == rules_total

    # Add a service, sync, then add its endpoints. (The first sync will be a no-op other than adding the
    # REJECT rule. The second sync will create the new service.)
    svc4 = svc("ns4", "svc4", "172.30.0.44", "p80", 80)
    fp.on_service_add(svc4)
    fp.sync()
    check("4-add-svc4-no-endpoints")
    # The REJECT rule is in "filter", not NAT, so the number of NAT rules hasn't changed.
    assert fp.metrics.rules_total["nat"] == rules_total
    fp.on_endpointslice_add(eps("ns4", "svc4", ["10.0.4.1"], "p80", 80))
    fp.sync()
    check("5-add-svc4-endpoints")
    rules_total += 5
    assert fp.metrics.rules_total["nat"] == rules_total

    # Change an endpoint of an existing service. This will cause its SVC and SEP chains to be rewritten.
    eps3update = eps("ns3", "svc3", ["10.0.3.2"], "p80", 80)
    fp.on_endpointslice_update(eps3, eps3update)
    fp.sync()
    check("6-change-endpoint")
    # We rewrote existing rules but did not change the overall number of rules.
    assert fp.metrics.rules_total["nat"] == rules_total

    # Add an endpoint to a service. This will cause its SVC and SEP chains to be rewritten.
    eps3update2 = eps("ns3", "svc3", ["10.0.3.2", "10.0.3.3"], "p80", 80)
    fp.on_endpointslice_update(eps3update, eps3update2)
    fp.sync()
    check("7-add-endpoint")
    rules_total += 3
    assert fp.metrics.rules_total["nat"] == rules_total

    # Sync with no new changes... This will not rewrite any SVC or SEP chains
    fp.sync()
    check("8-no-changes")
    assert fp.metrics.rules_total["nat"] == rules_total

    # Now force a partial resync error and ensure that it recovers correctly: a rule jumping from svc3's
    # service chain to svc4's endpoint makes the partial restore that deletes svc4 fail ("This is an absurd
    # scenario, but it has to be; partial resync failures are supposed to be impossible").
    assert not fp.need_full_sync
    assert fp.metrics.partial_restore_failures_total == 0
    assert fp.iptables.chain_exists("nat", "KUBE-SEP-AYCN5HPXMIRJNJXU")
    fp.iptables.ensure_rule("append", "nat", "KUBE-SVC-X27LE4BHSL4DOUIK", "-j", "KUBE-SEP-AYCN5HPXMIRJNJXU")
    fp.on_service_delete(svc4)
    result = fp.sync()
    assert not result.success and not result.full
    assert "Too many links" in (result.error or "")
    assert fp.iptables.chain_exists("nat", "KUBE-SEP-AYCN5HPXMIRJNJXU")  # despite dangling references
    assert fp.need_full_sync
    assert fp.metrics.partial_restore_failures_total == 1

    # On retry we should do a full resync, which should succeed (and delete svc4)
    result = fp.sync()
    assert result.full and result.success
    check("9-full-resync-after-failure")
    rules_total -= 5
    assert fp.metrics.rules_total["nat"] == rules_total
    assert not fp.iptables.chain_exists("nat", "KUBE-SEP-AYCN5HPXMIRJNJXU")


def _count_endpoints_and_comments(data: str, match: str) -> tuple[str, int, int]:
    # countEndpointsAndComments (proxier_test.go)
    matched, n_eps, n_comments = "", 0, 0
    for line in data.split("\n"):
        if line.startswith("-A KUBE-SEP-") and "-j DNAT" in line:
            n_eps += 1
            n_comments += "--comment" in line
            if match in line:
                matched = line
    return matched, n_eps, n_comments


def test_sync_proxy_rules_large_cluster_mode():
    now = [1000.0]
    fp = IPTablesProxier(dataclasses.replace(FAKE_SETTINGS, masquerade_all=True), clock=lambda: now[0])
    # fp.syncPeriod = 30 * time.Second
    half = 1000 // 2 - 1
    for args in (("ns1", "svc1", "172.30.0.41", "p80", 80), ("ns2", "svc2", "172.30.0.42", "p8080", 8080)):
        fp.on_service_add(svc(*args))
    fp.on_service_add(svc("ns3", "svc3", "172.30.0.43", "p8081", 8081))
    fp.on_endpointslice_add(
        eps("ns1", "svc1", [f"10.0.{i % 256}.{i // 256}" for i in range(half)], "p80", 80)
    )
    fp.on_endpointslice_add(
        eps("ns2", "svc2", [f"10.1.{i % 256}.{i // 256}" for i in range(half)], "p8080", 8080)
    )
    fp.sync()
    expected_endpoints = 2 * half
    first, n_eps, n_comments = _count_endpoints_and_comments(fp.iptables_data, "10.0.0.0")
    assert first == (
        "-A KUBE-SEP-DKGQUZGBKLTPAR56 -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT "
        "--to-destination 10.0.0.0:80"
    )
    assert n_eps == expected_endpoints and n_comments == n_eps

    fp.on_endpointslice_add(eps("ns3", "svc3", ["203.0.113.4", "203.0.113.8", "203.0.113.12"], "p8081", 8081))
    fp.sync()
    first, n_eps, n_comments = _count_endpoints_and_comments(fp.iptables_data, "203.0.113.4")
    assert first == "-A KUBE-SEP-RUVVH7YV3PHQBDOS -m tcp -p tcp -j DNAT --to-destination 203.0.113.4:8081"
    # syncProxyRules will only have output the endpoints for svc3, since the others didn't change (and
    # syncProxyRules doesn't automatically do a full resync when you cross the largeClusterEndpointsThreshold).
    assert (n_eps, n_comments) == (3, 0)

    # Now force a full resync and confirm that it rewrites the older services with no comments as well.
    fp.force_sync()
    expected_endpoints += 3
    first, n_eps, n_comments = _count_endpoints_and_comments(fp.iptables_data, "10.0.0.0")
    assert first == "-A KUBE-SEP-DKGQUZGBKLTPAR56 -m tcp -p tcp -j DNAT --to-destination 10.0.0.0:80"
    assert (n_eps, n_comments) == (expected_endpoints, 0)

    # Now test service deletion; we have to create another service to do this though, because if we deleted
    # any of the existing services, we'd fall back out of large cluster mode.
    svc4 = svc("ns4", "svc4", "172.30.0.44", "p8082", 8082)
    fp.on_service_add(svc4)
    fp.on_endpointslice_add(eps("ns4", "svc4", ["10.4.0.1"], "p8082", 8082))
    fp.sync()
    svc4_endpoint, n_eps, _ = _count_endpoints_and_comments(fp.iptables_data, "10.4.0.1")
    assert (
        svc4_endpoint == "-A KUBE-SEP-SU5STNODRYEWJAUF -m tcp -p tcp -j DNAT --to-destination 10.4.0.1:8082"
    )
    assert n_eps == 1  # should only sync svc4

    # In large-cluster mode, if we delete a service, it will not re-sync its chains but it will not delete
    # them immediately either.
    fp.last_iptables_cleanup = now[0]
    fp.on_service_delete(svc4)
    fp.sync()
    svc4_endpoint, n_eps, _ = _count_endpoints_and_comments(fp.iptables_data, "10.4.0.1")
    assert (svc4_endpoint, n_eps) == ("", 0)
    assert "-X " not in fp.iptables_data

    # But resyncing after a long-enough delay will delete the stale chains
    fp.last_iptables_cleanup = now[0] - fp.sync_period - 1
    fp.sync()
    svc4_endpoint, n_eps, _ = _count_endpoints_and_comments(fp.iptables_data, "10.4.0.1")
    assert (svc4_endpoint, n_eps) == ("", 0)
    assert "-X KUBE-SVC-EBDQOQU5SJFXRIL3" in fp.iptables_data
    assert "-X KUBE-SEP-SU5STNODRYEWJAUF" in fp.iptables_data

    # force a full sync and count
    fp.force_sync()
    assert _count_endpoints_and_comments(fp.iptables_data, "10.0.0.0")[1] == expected_endpoints


def test_noop_endpoint_slice_events_change_nothing():
    # TestNoopEndpointSlice (pkg/proxy/winkernel/proxier_test.go): events for an empty slice are harmless;
    # and an update to an identical slice leaves nothing to sync.
    fp = IPTablesProxier(FAKE_SETTINGS)
    empty = EndpointSlice.model_validate({"metadata": {}, "addressType": "IPv4"})
    assert not fp.on_endpointslice_add(empty)
    assert not fp.on_endpointslice_update(empty, empty)
    assert not fp.on_endpointslice_delete(empty)
    fp.on_service_add(svc("ns1", "svc1", "172.30.0.41", "p80", 80))
    slice1 = eps("ns1", "svc1", ["10.0.1.1"], "p80", 80)
    assert fp.on_endpointslice_add(slice1)
    fp.sync()
    assert not fp.on_endpointslice_update(slice1, slice1.model_copy(deep=True))
    assert fp.pending() == set()
    # a sync then writes no Service chain
    assert ":KUBE-SVC-" not in fp.sync().payload
    # deleting a slice that was never added changes nothing either
    assert not fp.on_endpointslice_delete(eps("ns9", "svc9", ["10.9.9.9"], "p80", 80))


def test_full_sync_payload_is_render_iptables():
    # A proxier's full sync writes what the pure renderer writes for the same objects (TestOverallIPTablesRules).
    objs = manifests.load(FIXTURES / "overall.yaml")
    services = [o for o in objs if o.kind == "Service"]
    slices = [o for o in objs if o.kind == "EndpointSlice"]
    fp = IPTablesProxier(FAKE_SETTINGS)
    for s in services:
        fp.on_service_add(s)
    for es in slices:
        fp.on_endpointslice_add(es)
    assert fp.sync().full
    assert fp.iptables_data == render_iptables(services, slices, FAKE_SETTINGS)
    # a forced full sync reuses the text of every Service and writes the same payload again
    assert fp.force_sync().payload == fp.iptables_data == render_iptables(services, slices, FAKE_SETTINGS)


def test_node_label_change_forces_full_sync():
    fp = IPTablesProxier(FAKE_SETTINGS)
    fp.on_service_add(svc("ns1", "svc1", "172.30.0.41", "p80", 80))
    fp.sync()
    assert not fp.sync().full
    node = Node.model_validate(
        {"metadata": {"name": "test-node", "labels": {"topology.kubernetes.io/zone": "a"}}}
    )
    assert not fp.on_node_add(Node.model_validate({"metadata": {"name": "other-node"}}))
    assert fp.on_node_add(node)
    assert fp.sync().full
    assert not fp.on_node_update(node, node)  # same labels: nothing to do
    assert not fp.sync().full


def test_full_sync_period():
    now = [0.0]
    fp = IPTablesProxier(FAKE_SETTINGS, clock=lambda: now[0])
    assert fp.sync().full
    now[0] += 3600
    assert not fp.sync().full
    now[0] += 1  # more than proxyutil.FullSyncPeriod (1 hour) since the last full sync
    assert fp.sync().full


def test_executor_follows_partial_syncs():
    # The node's executor runs the tables the proxier restores into, and sees each partial sync.
    ipt = IPTables()
    fp = IPTablesProxier(FAKE_SETTINGS, iptables=ipt)
    host = NetfilterHost(ipt, local_ips=["192.168.0.2"])
    fp.on_service_add(svc("ns1", "svc1", "172.30.0.41", "p80", 80))
    slice1 = eps("ns1", "svc1", ["10.0.1.1"], "p80", 80)
    fp.on_endpointslice_add(slice1)
    fp.sync()
    pkt = Packet("10.0.0.2", "172.30.0.41", dst_port=80, in_interface="veth0")
    assert [o.destination for o in host.enumerate(pkt)] == ["10.0.1.1:80"]
    fp.on_endpointslice_update(slice1, eps("ns1", "svc1", ["10.0.1.2", "10.0.1.3"], "p80", 80))
    assert not fp.sync().full
    assert sorted(o.destination for o in host.enumerate(pkt)) == ["10.0.1.2:80", "10.0.1.3:80"]
    fp.on_endpointslice_delete(slice1)
    fp.sync()
    assert [o.verdict for o in host.enumerate(pkt)] == ["REJECT"]  # "ns1/svc1:p80 has no endpoints"
    fp.on_service_delete(svc("ns1", "svc1", "172.30.0.41", "p80", 80))
    fp.sync()
    assert [(o.verdict, o.dnat) for o in host.enumerate(pkt)] == [("ACCEPT", False)]  # no Service, no rule


# --- partial syncs leave the tables a full sync would -----------------------------------------------------


def _state(ipt: IPTables) -> dict:
    return {t: {c: tuple(ipt.rules(t, c)) for c in sorted(ipt.chain_names(t))} for t in ("filter", "nat")}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(CHANGES, min_size=1, max_size=25))
def test_partial_syncs_leave_the_tables_of_a_full_sync(ops):
    fp = IPTablesProxier(FAKE_SETTINGS)
    services, slices = replay(fp, ops)
    fresh = IPTablesProxier(FAKE_SETTINGS)
    for s in services.values():
        fresh.on_service_add(s)
    for es in slices.values():
        fresh.on_endpointslice_add(es)
    assert fresh.sync().full
    assert _state(fp.iptables) == _state(fresh.iptables)
    # and a full sync now (which rewrites every chain from the text kept per Service) is the renderer's output
    assert fp.force_sync().payload == render_iptables(
        list(services.values()), list(slices.values()), FAKE_SETTINGS
    )
