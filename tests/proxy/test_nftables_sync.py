"""The nftables proxier's partial syncs leave the ruleset a full sync would, for random change sequences."""

from __future__ import annotations

from helpers.proxy_changes import CHANGES, endpoint_slice, replay, service
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from k8snet.api.core_v1 import Node
from k8snet.dataplane.nft import NFTables, NftHost
from k8snet.dataplane.packet import Packet
from k8snet.proxy.config import ProxierSettings
from k8snet.proxy.nftables import NftablesProxier, render_nftables
from k8snet.rules.nftables import sort_nftables_transaction

SETTINGS = ProxierSettings(
    hostname="test-node", node_ips=["192.168.0.2"], cluster_cidr="10.0.0.0/8", masquerade_mark="0x4000"
)
CIDRS = ["172.30.0.0/16"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(CHANGES, min_size=1, max_size=25))
def test_partial_syncs_leave_the_ruleset_of_a_full_sync(ops):
    now = [0.0]
    fp = NftablesProxier(SETTINGS, CIDRS, clock=lambda: now[0])

    def advance(seconds: int) -> None:
        now[0] += seconds

    services, slices = replay(fp, ops, advance)
    now[0] += 2  # let the stale chains age, and delete them
    assert fp.sync().success
    assert fp.stale_chains == {}
    rendered = render_nftables(list(services.values()), list(slices.values()), SETTINGS, service_cidrs=CIDRS)
    assert sort_nftables_transaction(fp.dump()) == sort_nftables_transaction(rendered)


def test_executor_follows_the_proxier():
    nft = NFTables()
    fp = NftablesProxier(SETTINGS, CIDRS, nftables=nft)
    host = NftHost(nft, local_ips=["192.168.0.2"])
    fp.on_service_add(service("a", 0))
    fp.on_endpointslice_add(endpoint_slice("a", 1, 9))
    fp.sync()
    pkt = Packet("10.0.0.2", "172.30.0.1", dst_port=80, in_interface="eth0")
    assert [o.destination for o in host.enumerate(pkt)] == ["10.1.97.0:8080"]
    fp.on_endpointslice_update(endpoint_slice("a", 1, 9), endpoint_slice("a", 3, 9))
    result = fp.sync()
    assert not result.full
    assert sorted(o.destination for o in host.enumerate(pkt)) == [
        "10.1.97.0:8080",
        "10.1.97.1:8080",
        "10.1.97.2:8080",
    ]


def test_failed_transaction_forces_a_full_sync():
    fp = NftablesProxier(SETTINGS, CIDRS)
    fp.on_service_add(service("a", 0))
    fp.on_endpointslice_add(endpoint_slice("a", 1, 9))
    fp.sync()
    # someone else deletes kube-proxy's service-ips map: the next partial sync, which adds an element to it,
    # fails, and the full sync after it recreates everything
    fp.nftables.run("flush chain ip kube-proxy services\ndelete map ip kube-proxy service-ips")
    fp.on_service_add(service("b", 0))
    fp.on_endpointslice_add(endpoint_slice("b", 1, 9))
    fp.on_endpointslice_update(endpoint_slice("a", 1, 9), endpoint_slice("a", 2, 9))
    result = fp.sync()
    assert not result.success and "No such file or directory" in (result.error or "")
    assert fp.need_full_sync and fp.metrics.sync_failures_total == 1
    result = fp.sync()
    assert result.full and result.success
    assert sort_nftables_transaction(fp.dump()) == sort_nftables_transaction(
        render_nftables(
            [service("a", 0), service("b", 0)],
            [endpoint_slice("a", 2, 9), endpoint_slice("b", 1, 9)],
            SETTINGS,
            service_cidrs=CIDRS,
        )
    )


def test_node_labels_force_a_full_sync():
    fp = NftablesProxier(SETTINGS, CIDRS)
    fp.sync()
    assert not fp.sync().full
    fp.on_node_update(None, Node.model_validate({"metadata": {"name": "test-node", "labels": {"x": "y"}}}))
    assert fp.sync().full
