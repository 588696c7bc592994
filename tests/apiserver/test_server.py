"""The API server: verbs, errors, Service allocation, all-or-nothing writes.

Allocation behaviour follows kubernetes/kubernetes pkg/registry/core/service/storage/alloc.go and
storage.go (patchAllocatedValues) and strategy.go (dropTypeDependentFields); error texts are kubectl's.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from k8snet.api.core_v1 import Namespace, Pod, Service
from k8snet.api.labels import selector_matches
from k8snet.apiserver.server import APIServer
from k8snet.apiserver.store import Store
from k8snet.clock import SimClock
from k8snet.errors import AlreadyExistsError, InvalidError, NotFoundError


@pytest.fixture
def api():
    clock = SimClock()
    server = APIServer(Store(clock, seed=0), clock, "10.96.0.0/12", "30000-32767", seed=0)
    server.create(Namespace(metadata={"name": "default"}))
    return server


def svc(name="s", **spec):
    spec.setdefault("ports", [{"port": 80}])
    return Service(metadata={"name": name}, spec=spec)


def test_not_found_and_already_exists_texts(api):
    with pytest.raises(NotFoundError) as e:
        api.get("Service", "x")
    assert str(e.value) == 'Error from server (NotFound): services "x" not found'
    api.create(svc("x"))
    with pytest.raises(AlreadyExistsError) as e2:
        api.create(svc("x"))
    assert str(e2.value) == 'Error from server (AlreadyExists): services "x" already exists'
    with pytest.raises(NotFoundError) as e3:
        api.create(Service(metadata={"name": "y", "namespace": "nope"}, spec={"ports": [{"port": 80}]}))
    assert str(e3.value) == 'Error from server (NotFound): namespaces "nope" not found'


def test_static_cluster_ip_conflict(api):
    api.create(svc("a", clusterIP="10.96.0.10"))
    with pytest.raises(InvalidError) as e:
        api.create(svc("b", clusterIP="10.96.0.10"))
    assert str(e.value) == (
        'The Service "b" is invalid: spec.clusterIPs: Invalid value: ["10.96.0.10"]: '
        "failed to allocate IP 10.96.0.10: provided IP is already allocated"
    )


def test_cluster_ip_outside_range(api):
    with pytest.raises(InvalidError) as e:
        api.create(svc("a", clusterIP="192.168.0.1"))
    assert "failed to allocate IP 192.168.0.1: the provided network does not match the current range" in str(
        e.value
    )


def test_node_port_errors(api):
    with pytest.raises(InvalidError) as e:
        api.create(svc("a", type="NodePort", ports=[{"port": 80, "nodePort": 80}]))
    assert str(e.value) == (
        'The Service "a" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the '
        "valid range. The range of valid ports is 30000-32767"
    )
    api.create(svc("b", type="NodePort", ports=[{"port": 80, "nodePort": 30000}]))
    with pytest.raises(InvalidError) as e2:
        api.create(svc("c", type="NodePort", ports=[{"port": 80, "nodePort": 30000}]))
    assert str(e2.value).endswith(
        "spec.ports[0].nodePort: Invalid value: 30000: provided port is already allocated"
    )


def test_dynamic_node_port_and_health_check(api):
    s = api.create(svc("lb", type="LoadBalancer", externalTrafficPolicy="Local"))
    np, hc = s.spec.ports[0].nodePort, s.spec.healthCheckNodePort
    assert 30000 <= np <= 32767 and 30000 <= hc <= 32767 and np != hc
    assert api.ports.has(np) and api.ports.has(hc)
    api.delete("Service", "lb")
    assert not api.ports.has(np) and not api.ports.has(hc)


def test_release_on_type_change(api):
    s = api.create(svc("n", type="NodePort"))
    np, ip = s.spec.ports[0].nodePort, s.spec.clusterIP
    # NodePort -> ClusterIP, nodePort left as the server set it: dropped and released
    s.spec.type = "ClusterIP"
    s2 = api.update(s)
    assert s2.spec.ports[0].nodePort is None and not api.ports.has(np)
    assert s2.spec.clusterIP == ip
    # ClusterIP -> ExternalName: IP released, fields cleared
    s2.spec.type = "ExternalName"
    s2.spec.externalName = "example.com"
    s3 = api.update(s2)
    assert s3.spec.clusterIP is None and not api.ips.has(ip)


def test_update_keeps_allocated_values(api):
    s = api.create(svc("n", type="NodePort", ports=[{"name": "http", "port": 80}]))
    fresh = svc("n", type="NodePort", ports=[{"name": "http", "port": 80}])
    s2 = api.update(fresh)  # a PUT without clusterIP/nodePort keeps them (patchAllocatedValues)
    assert s2.spec.clusterIP == s.spec.clusterIP and s2.spec.ports[0].nodePort == s.spec.ports[0].nodePort


def test_generate_name_and_labels(api):
    p = api.create(
        Pod(
            metadata={"generateName": "web-", "labels": {"app": "web"}},
            spec={"containers": [{"name": "c", "image": "nginx"}]},
        )
    )
    assert p.metadata.name.startswith("web-") and len(p.metadata.name) == 9
    assert set(p.metadata.name[4:]) <= set("bcdfghjklmnpqrstvwxz2456789")
    assert [o.metadata.name for o in api.list("Pod", label_selector="app=web")] == [p.metadata.name]
    assert api.list("Pod", label_selector="app!=web") == []


def test_pod_graceful_delete(api):
    p = api.create(
        Pod(metadata={"name": "p"}, spec={"containers": [{"name": "c", "image": "nginx"}], "nodeName": "n1"})
    )
    assert p.spec.terminationGracePeriodSeconds == 30
    d = api.delete("Pod", "p")
    # registry/core/pod strategy CheckGracefulDelete: deletionTimestamp = now + grace period
    assert (d.metadata.deletionTimestamp - api.clock.now()).total_seconds() == 30
    assert api.get("Pod", "p").metadata.deletionGracePeriodSeconds == 30
    api.delete("Pod", "p", grace_period_seconds=0)
    with pytest.raises(NotFoundError):
        api.get("Pod", "p")


def test_selector_syntax():
    assert selector_matches("env in (a,b),!legacy", {"env": "a"})
    assert not selector_matches("env notin (a,b)", {"env": "b"})
    assert selector_matches("tier", {"tier": "x"}) and not selector_matches("tier", {})


requests = st.lists(
    st.tuples(
        st.sampled_from(["s0", "s1", "s2"]),
        st.sampled_from(["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"]),
        st.sampled_from([None, "10.96.0.10", "10.96.0.11", "10.0.0.1", "10.96.0.0"]),
        st.sampled_from([None, 30000, 30001, 80]),
        st.booleans(),  # delete instead
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=30, deadline=None)
@given(requests)
def test_failed_writes_leave_store_identical(reqs):
    clock = SimClock()
    api = APIServer(Store(clock, seed=0), clock, "10.96.0.0/12", "30000-32767", seed=0)
    api.create(Namespace(metadata={"name": "default"}))
    for name, type_, ip, np, delete in reqs:
        exists = api.store.exists("Service", name, "default")
        if delete and exists:
            api.delete("Service", name)
            continue
        if type_ == "ExternalName":
            ip = None  # not allowed with ExternalName: a validation error, tested with validation
        if type_ not in ("NodePort", "LoadBalancer"):
            np = None  # nodePort on other types is a validation error
        spec = {"type": type_, "ports": [{"port": 80, **({"nodePort": np} if np else {})}]}
        if type_ == "ExternalName":
            spec["externalName"] = "example.com"
        if ip:
            spec["clusterIP"] = ip
        obj = Service(metadata={"name": name}, spec=spec)
        before = api.store.dump()
        try:
            if exists:
                api.update(obj)
            else:
                api.create(obj)
        except Exception:
            assert api.store.dump() == before
        # invariants: every allocation belongs to exactly one stored Service
        ips, ports = [], []
        for s in api.list("Service"):
            ips += [i for i in (s.spec.clusterIPs or []) if i != "None"]
            ports += [p.nodePort for p in s.spec.ports or [] if p.nodePort]
            ports += [s.spec.healthCheckNodePort] if s.spec.healthCheckNodePort else []
        assert len(ips) == len(set(ips)) and sorted(ips) == sorted(api.ips.allocated())
        assert len(ports) == len(set(ports)) and sorted(ports) == api.ports.allocated()


def test_cluster_ip_may_not_change(api):
    api.create(svc("a", clusterIP="10.96.0.20"))
    with pytest.raises(InvalidError) as e:
        api.update(svc("a", clusterIP="10.96.0.21"))
    # text as a v1.34 API server prints it (JSON bad value)
    assert str(e.value) == (
        'The Service "a" is invalid: spec.clusterIPs[0]: Invalid value: ["10.96.0.21"]: may not change once set'
    )
