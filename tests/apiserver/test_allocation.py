"""ClusterIP and NodePort allocators.

Cases transcribed from kubernetes/kubernetes:
- pkg/registry/core/service/ipallocator/ipallocator_test.go (TestAllocateReservedIPAllocator,
  TestAllocateTinyIPAllocator) and bitmap.go's calculateRangeOffset examples;
- pkg/registry/core/service/portallocator/allocator_test.go (TestAllocate: full range, out of range,
  double allocation, release and reuse; TestAllocateReserved);
- error texts from pkg/registry/core/service/storage/alloc.go, ipallocator/interfaces.go and
  portallocator/allocator.go.
"""

import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from k8snet.apiserver.allocation import (
    AlreadyAllocatedError,
    ClusterIPAllocator,
    MismatchedNetworkError,
    NodePortAllocator,
    NotInRangeError,
    RangeFullError,
    cluster_ip_cause,
    node_port_cause,
)


@pytest.mark.parametrize(
    ("cidr", "offset"),
    [
        ("192.168.1.0/32", 0),
        ("192.168.1.0/28", 0),
        ("192.168.1.0/27", 16),
        ("192.168.1.0/25", 16),
        ("192.168.1.0/24", 16),
        ("192.168.0.0/22", 64),
        ("10.96.0.0/12", 256),
        ("10.0.0.0/8", 256),
    ],
)
def test_range_offset(cidr, offset):
    # bitmap.go calculateRangeOffset: min(max(16, cidrSize/16), 256), 0 when cidrSize <= 16
    assert ClusterIPAllocator(cidr).offset == offset


def test_default_service_cidr_bands():
    a = ClusterIPAllocator("10.96.0.0/12")
    assert a.nth(1) == "10.96.0.1" and a.nth(10) == "10.96.0.10"
    assert a.static_band == ("10.96.0.1", "10.96.1.0")
    assert a.dynamic_band == ("10.96.1.1", "10.111.255.254")
    assert a.free() == 2**20 - 2


def test_allocate_reserved_ipallocator():
    # TestAllocateReservedIPAllocator: a /25 has 126 usable addresses and a 16-address static block.
    a = ClusterIPAllocator("192.168.1.0/25", seed=3)
    dynamic = a.size - a.offset
    for _ in range(dynamic):
        a.allocate_next()
    for i in range(a.offset, a.size):
        assert a.has(f"192.168.1.{i + 1}")
    assert a.free() == a.offset
    for i in range(a.offset):
        a.allocate(f"192.168.1.{i + 1}")
    assert a.free() == 0
    a.release("192.168.1.10")
    assert a.allocate_next() == "192.168.1.10"
    with pytest.raises(RangeFullError, match="range is full"):
        a.allocate_next()


def test_allocate_tiny():
    # TestAllocateTinyIPAllocator: a /32 has no usable address
    a = ClusterIPAllocator("192.168.1.0/32")
    assert a.free() == 0
    with pytest.raises(RangeFullError):
        a.allocate_next()


def test_network_broadcast_and_foreign_addresses_are_refused():
    a = ClusterIPAllocator("10.96.0.0/12")
    for ip in ("10.96.0.0", "10.111.255.255", "10.0.0.5", "not-an-ip"):
        with pytest.raises(
            MismatchedNetworkError, match="the provided network does not match the current range"
        ):
            a.allocate(ip)


def test_dynamic_allocation_prefers_upper_band_and_is_seeded():
    ips1 = [ClusterIPAllocator("10.96.0.0/12", seed=7).allocate_next() for _ in range(3)]
    ips2 = [ClusterIPAllocator("10.96.0.0/12", seed=7).allocate_next() for _ in range(3)]
    assert ips1 == ips2
    a = ClusterIPAllocator("10.96.0.0/12", seed=1)
    for _ in range(50):
        assert ipaddress.ip_address(a.allocate_next()) >= ipaddress.ip_address("10.96.1.1")


def test_cluster_ip_error_text():
    # alloc.go allocIPs: field.Invalid(spec.clusterIPs, service.Spec.ClusterIPs, "failed to allocate IP %v: %v");
    # the bad value prints as JSON in current releases, e.g. k3s logs
    # 'spec.clusterIPs: Invalid value: ["10.43.0.10"]: failed to allocate IP 10.43.0.10: provided IP is already allocated'.
    a = ClusterIPAllocator("10.96.0.0/12")
    a.allocate("10.96.0.10")
    with pytest.raises(AlreadyAllocatedError) as exc:
        a.allocate("10.96.0.10")
    assert str(cluster_ip_cause(["10.96.0.10"], "10.96.0.10", exc.value)) == (
        'spec.clusterIPs: Invalid value: ["10.96.0.10"]: failed to allocate IP 10.96.0.10: '
        "provided IP is already allocated"
    )


def test_port_allocator_full_range():
    # portallocator TestAllocate: every port of the range once, then ErrFull
    p = NodePortAllocator("10000-10200", seed=0)
    assert p.free() == 201
    seen = {p.allocate_next() for _ in range(201)}
    assert seen == set(range(10000, 10201))
    with pytest.raises(RangeFullError):
        p.allocate_next()
    p.release(10100)
    assert p.allocate_next() == 10100


def test_port_allocator_errors():
    p = NodePortAllocator("30000-32767")
    with pytest.raises(NotInRangeError) as exc:
        p.allocate(80)
    assert str(node_port_cause(0, 80, exc.value)) == (
        "spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. "
        "The range of valid ports is 30000-32767"
    )
    p.allocate(30000)
    with pytest.raises(AlreadyAllocatedError) as exc2:
        p.allocate(30000)
    assert str(node_port_cause(0, 30000, exc2.value)) == (
        "spec.ports[0].nodePort: Invalid value: 30000: provided port is already allocated"
    )


def test_port_allocate_reserved():
    # portallocator TestAllocateReserved: 30000-30099 → offset min(max(16, 100/32), 128) = 16
    p = NodePortAllocator("30000-30099", seed=2)
    assert p.offset == 16
    for _ in range(100 - 16):
        assert p.allocate_next() >= 30016
    assert p.free() == 16
    for port in range(30000, 30016):
        p.allocate(port)
    assert p.free() == 0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 40)), max_size=60), st.integers(0, 5))
def test_ip_allocator_never_double_allocates(ops, seed):
    a = ClusterIPAllocator("10.0.0.0/26", seed=seed)
    held: list[str] = []
    for alloc, idx in ops:
        if alloc or not held:
            try:
                ip = a.allocate_next()
            except RangeFullError:
                assert a.free() == 0
                continue
            assert ip not in held
            held.append(ip)
        else:
            ip = held.pop(idx % len(held))
            a.release(ip)
            assert not a.has(ip)
    assert sorted(held, key=ipaddress.ip_address) == a.allocated()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 40)), max_size=60), st.integers(0, 5))
def test_port_allocator_never_double_allocates(ops, seed):
    p = NodePortAllocator("30000-30031", seed=seed)
    held: list[int] = []
    for alloc, idx in ops:
        if alloc or not held:
            try:
                port = p.allocate_next()
            except RangeFullError:
                continue
            assert port not in held and 30000 <= port <= 30031
            held.append(port)
        else:
            p.release(held.pop(idx % len(held)))
    assert sorted(held) == p.allocated()
