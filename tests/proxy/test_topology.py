"""``CategorizeEndpoints`` cases, transcribed from ``TestCategorizeEndpoints``.

Source: kubernetes/kubernetes ``pkg/proxy/topology_test.go`` (the v1.33+ cases with ``PreferSameNode``, as
mirrored case for case in antrea-io/antrea ``pkg/agent/proxy/topology_test.go``, whose helper
``makeTestEndpointInfo(ip, port, isLocal, ready, serving, terminating, zoneHints, nodeHints)`` and
``makeServicePortInfo(..., nodePort, ..., externalPolicyLocal, internalPolicyLocal)`` are reproduced by
:func:`ep` and :func:`svc`). ``None`` means "the service does not use this kind of endpoints"; a set means
"uses it" (possibly empty); ``all`` may be left unset when only one of cluster/local is set.
The ``only_remote`` case ("internalTrafficPolicy: Local, but all endpoints are remote", ``onlyRemoteEndpoints``)
checks ``hasAnyEndpoints``, from the older upstream table of the same test.
"""

from __future__ import annotations

import pytest

from k8snet.proxy.endpoints import EndpointInfo
from k8snet.proxy.serviceport import ServicePortInfo, ServicePortName
from k8snet.proxy.topology import categorize_endpoints

ZONE = "topology.kubernetes.io/zone"


def ep(ip, port, is_local, ready, serving, terminating, zone_hints=None, node_hints=None):
    return EndpointInfo(
        ip,
        port,
        is_local,
        ready,
        serving,
        terminating,
        frozenset(zone_hints) if zone_hints else None,
        frozenset(node_hints) if node_hints else None,
    )


def svc(node_port=0, external_policy_local=False, internal_policy_local=False):
    return ServicePortInfo(
        ServicePortName("ns", "svc", "", "TCP"),
        "10.96.0.1",
        80,
        "TCP",
        node_port=node_port,
        external_policy_local=external_policy_local,
        internal_policy_local=internal_policy_local,
    )


def s(*items):
    return set(items)


Z = {ZONE: "zone-a"}

CASES = [
    dict(
        name="should use topology since all endpoints have hints, node has a zone label and and there are "
        "endpoints for the node's zone",
        labels=Z,
        svc=svc(),
        eps=[
            ep("10.1.2.3", 80, False, True, True, False, {"zone-a"}),
            ep("10.1.2.4", 80, False, True, True, False, {"zone-b"}),
            ep("10.1.2.5", 80, False, True, True, False, {"zone-c"}),
            ep("10.1.2.6", 80, False, True, True, False, {"zone-a"}),
        ],
        cluster=s("10.1.2.3:80", "10.1.2.6:80"),
        local=None,
    ),
    dict(
        name="eTP: Local, topology ignored for Local endpoints",
        labels=Z,
        svc=svc(8080, True, False),
        eps=[
            ep("10.1.2.3", 80, True, True, True, False, {"zone-a"}),
            ep("10.1.2.4", 80, True, True, True, False, {"zone-b"}),
            ep("10.1.2.5", 80, False, True, True, False, {"zone-c"}),
            ep("10.1.2.6", 80, False, True, True, False, {"zone-a"}),
        ],
        cluster=s("10.1.2.3:80", "10.1.2.6:80"),
        local=s("10.1.2.3:80", "10.1.2.4:80"),
        all=s("10.1.2.3:80", "10.1.2.4:80", "10.1.2.6:80"),
    ),
    dict(
        name="iTP: Local, topology ignored for Local endpoints",
        labels=Z,
        svc=svc(8080, False, True),
        eps=[
            ep("10.1.2.3", 80, True, True, True, False, {"zone-a"}),
            ep("10.1.2.4", 80, True, True, True, False, {"zone-b"}),
            ep("10.1.2.5", 80, False, True, True, False, {"zone-c"}),
            ep("10.1.2.6", 80, False, True, True, False, {"zone-a"}),
        ],
        cluster=s("10.1.2.3:80", "10.1.2.6:80"),
        local=s("10.1.2.3:80", "10.1.2.4:80"),
        all=s("10.1.2.3:80", "10.1.2.4:80", "10.1.2.6:80"),
    ),
    dict(
        name="empty node labels",
        labels=None,
        svc=svc(),
        eps=[ep("10.1.2.3", 80, False, True, True, False, {"zone-a"})],
        cluster=s("10.1.2.3:80"),
        local=None,
    ),
    dict(
        name="empty zone label",
        labels={ZONE: ""},
        svc=svc(),
        eps=[ep("10.1.2.3", 80, False, True, True, False, {"zone-a"})],
        cluster=s("10.1.2.3:80"),
        local=None,
    ),
    dict(
        name="node in different zone, no endpoint filtering",
        labels={ZONE: "zone-b"},
        svc=svc(),
        eps=[
            ep("10.1.2.3", 80, False, True, True, False, {"zone-a"}),
            ep("10.1.2.5", 80, False, True, True, False, {"zone-c"}),
        ],
        cluster=s("10.1.2.3:80", "10.1.2.5:80"),
        local=None,
    ),
    dict(
        name="unready endpoint",
        labels=Z,
        svc=svc(),
        eps=[
            ep("10.1.2.3", 80, False, True, True, False, {"zone-a"}),
            ep("10.1.2.4", 80, False, True, True, False, {"zone-b"}),
            ep("10.1.2.5", 80, False, True, True, False, {"zone-c"}),
            ep("10.1.2.6", 80, False, False, True, False, {"zone-a"}),
        ],
        cluster=s("10.1.2.3:80"),
        local=None,
    ),
    dict(
        name="only unready endpoints in same zone (should not filter)",
        labels=Z,
        svc=svc(),
        eps=[
            ep("10.1.2.3", 80, False, False, True, False, {"zone-a"}),
            ep("10.1.2.4", 80, False, True, True, False, {"zone-b"}),
            ep("10.1.2.5", 80, False, True, True, False, {"zone-c"}),
            ep("10.1.2.6", 80, False, False, True, False, {"zone-a"}),
        ],
        cluster=s("10.1.2.4:80", "10.1.2.5:80"),
        local=None,
    ),
    dict(
        name="missing hints, no filtering applied",
        labels=Z,
        svc=svc(),
        eps=[
            ep("10.1.2.3", 80, False, True, True, False, {"zone-a"}),
            ep("10.1.2.4", 80, False, True, True, False, {"zone-b"}),
            ep("10.1.2.5", 80, False, True, True, False, None),
            ep("10.1.2.6", 80, False, True, True, False, {"zone-a"}),
        ],
        cluster=s("10.1.2.3:80", "10.1.2.4:80", "10.1.2.5:80", "10.1.2.6:80"),
        local=None,
    ),
    dict(
        name="multiple hints per endpoint, filtering includes any endpoint with zone included",
        labels={ZONE: "zone-c"},
        svc=svc(),
        eps=[
            ep("10.1.2.3", 80, False, True, True, False, {"zone-a", "zone-b", "zone-c"}),
            ep("10.1.2.4", 80, False, True, True, False, {"zone-b", "zone-c"}),
            ep("10.1.2.5", 80, False, True, True, False, {"zone-b", "zone-d"}),
            ep("10.1.2.6", 80, False, True, True, False, {"zone-c"}),
        ],
        cluster=s("10.1.2.3:80", "10.1.2.4:80", "10.1.2.6:80"),
        local=None,
    ),
    dict(
        name="PreferSameNode falls back to same-zone when feature gate disabled",
        prefer_same=False,
        node="node-1",
        labels=Z,
        svc=svc(),
        eps=[
            ep("10.1.2.3", 80, False, True, True, False, {"zone-a"}, {"node-1"}),
            ep("10.1.2.4", 80, False, True, True, False, {"zone-b"}, {"node-2"}),
            ep("10.1.2.5", 80, False, True, True, False, {"zone-c"}, {"node-3"}),
            ep("10.1.2.6", 80, False, True, True, False, {"zone-a"}, {"node-4"}),
        ],
        cluster=s("10.1.2.3:80", "10.1.2.6:80"),
        local=None,
    ),
    dict(
        name="PreferSameNode available",
        prefer_same=True,
        node="node-1",
        labels=Z,
        svc=svc(),
        eps=[
            ep("10.1.2.3", 80, False, True, True, False, {"zone-a"}, {"node-1"}),
            ep("10.1.2.4", 80, False, True, True, False, {"zone-b"}, {"node-2"}),
            ep("10.1.2.5", 80, False, True, True, False, {"zone-c"}, {"node-3"}),
            ep("10.1.2.6", 80, False, True, True, False, {"zone-a"}, {"node-4"}),
        ],
        cluster=s("10.1.2.3:80"),
        local=None,
    ),
    dict(
        name="PreferSameNode ignored if some endpoints unhinted",
        prefer_same=True,
        node="node-1",
        labels=Z,
        svc=svc(),
        eps=[
            ep("10.1.2.3", 80, False, True, True, False, {"zone-a"}, {"node-1"}),
            ep("10.1.2.4", 80, False, True, True, False, None, None),
            ep("10.1.2.5", 80, False, True, True, False, {"zone-c"}, {"node-3"}),
            ep("10.1.2.6", 80, False, True, True, False, {"zone-a"}, {"node-4"}),
        ],
        cluster=s("10.1.2.3:80", "10.1.2.4:80", "10.1.2.5:80", "10.1.2.6:80"),
        local=None,
    ),
    dict(
        name="PreferSameNode falls back to PreferSameZone if no endpoint for node",
        prefer_same=True,
        node="node-0",
        labels=Z,
        svc=svc(),
        eps=[
            ep("10.1.2.3", 80, False, True, True, False, {"zone-a"}, {"node-1"}),
            ep("10.1.2.4", 80, False, True, True, False, {"zone-b"}, {"node-2"}),
            ep("10.1.2.5", 80, False, True, True, False, {"zone-c"}, {"node-3"}),
            ep("10.1.2.6", 80, False, True, True, False, {"zone-a"}, {"node-4"}),
        ],
        cluster=s("10.1.2.3:80", "10.1.2.6:80"),
        local=None,
    ),
    dict(
        name="conflicting topology and localness require merging allEndpoints",
        labels=Z,
        svc=svc(8080, False, True),
        eps=[
            ep("10.0.0.0", 80, True, True, True, False, {"zone-a"}),
            ep("10.0.0.1", 80, True, True, True, False, {"zone-b"}),
            ep("10.0.0.2", 80, False, True, True, False, {"zone-a"}),
            ep("10.0.0.3", 80, False, True, True, False, {"zone-b"}),
        ],
        cluster=s("10.0.0.0:80", "10.0.0.2:80"),
        local=s("10.0.0.0:80", "10.0.0.1:80"),
        all=s("10.0.0.0:80", "10.0.0.1:80", "10.0.0.2:80"),
    ),
    dict(
        name="internalTrafficPolicy: Local, with empty endpoints",
        svc=svc(0, False, True),
        eps=[],
        cluster=None,
        local=s(),
    ),
    dict(
        name="internalTrafficPolicy: Local, but all endpoints are remote",
        svc=svc(0, False, True),
        eps=[ep("10.0.0.0", 80, False, True, True, False), ep("10.0.0.1", 80, False, True, True, False)],
        cluster=None,
        local=s(),
        only_remote=True,
    ),
    dict(
        name="internalTrafficPolicy: Local, all endpoints are local",
        svc=svc(0, False, True),
        eps=[ep("10.0.0.0", 80, True, True, True, False), ep("10.0.0.1", 80, True, True, True, False)],
        cluster=None,
        local=s("10.0.0.0:80", "10.0.0.1:80"),
    ),
    dict(
        name="internalTrafficPolicy: Local, some endpoints are local",
        svc=svc(0, False, True),
        eps=[ep("10.0.0.0", 80, True, True, True, False), ep("10.0.0.1", 80, False, True, True, False)],
        cluster=None,
        local=s("10.0.0.0:80"),
    ),
    dict(
        name="Cluster traffic policy, endpoints not Ready",
        svc=svc(),
        eps=[ep("10.0.0.0", 80, False, False, True, False), ep("10.0.0.1", 80, False, False, True, False)],
        cluster=s(),
        local=None,
    ),
    dict(
        name="Cluster traffic policy, some endpoints are Ready",
        svc=svc(),
        eps=[ep("10.0.0.0", 80, False, False, True, False), ep("10.0.0.1", 80, False, True, True, False)],
        cluster=s("10.0.0.1:80"),
        local=None,
    ),
    dict(
        name="Cluster traffic policy, all endpoints are terminating",
        svc=svc(),
        eps=[ep("10.0.0.0", 80, False, False, True, True), ep("10.0.0.1", 80, False, False, True, True)],
        cluster=s("10.0.0.0:80", "10.0.0.1:80"),
        local=None,
    ),
    dict(
        name="iTP: Local, eTP: Cluster, some endpoints local",
        svc=svc(8080, False, True),
        eps=[ep("10.0.0.0", 80, True, True, True, False), ep("10.0.0.1", 80, False, True, True, False)],
        cluster=s("10.0.0.0:80", "10.0.0.1:80"),
        local=s("10.0.0.0:80"),
        all=s("10.0.0.0:80", "10.0.0.1:80"),
    ),
    dict(
        name="iTP: Cluster, eTP: Local, some endpoints local",
        svc=svc(8080, True, False),
        eps=[ep("10.0.0.0", 80, True, True, True, False), ep("10.0.0.1", 80, False, True, True, False)],
        cluster=s("10.0.0.0:80", "10.0.0.1:80"),
        local=s("10.0.0.0:80"),
        all=s("10.0.0.0:80", "10.0.0.1:80"),
    ),
    dict(
        name="iTP: Local, eTP: Local, some endpoints local",
        svc=svc(8080, True, True),
        eps=[ep("10.0.0.0", 80, True, True, True, False), ep("10.0.0.1", 80, False, True, True, False)],
        cluster=s("10.0.0.0:80", "10.0.0.1:80"),
        local=s("10.0.0.0:80"),
        all=s("10.0.0.0:80", "10.0.0.1:80"),
    ),
    dict(
        name="iTP: Local, eTP: Local, all endpoints remote",
        svc=svc(8080, True, True),
        eps=[ep("10.0.0.0", 80, False, True, True, False), ep("10.0.0.1", 80, False, True, True, False)],
        cluster=s("10.0.0.0:80", "10.0.0.1:80"),
        local=s(),
        all=s("10.0.0.0:80", "10.0.0.1:80"),
    ),
    dict(
        name="iTP: Local, eTP: Local, all endpoints remote and terminating",
        svc=svc(8080, True, True),
        eps=[ep("10.0.0.0", 80, False, False, True, True), ep("10.0.0.1", 80, False, False, True, True)],
        cluster=s("10.0.0.0:80", "10.0.0.1:80"),
        local=s(),
        all=s("10.0.0.0:80", "10.0.0.1:80"),
    ),
    dict(
        name="iTP: Cluster, eTP: Local, with terminating endpoints",
        svc=svc(8080, True, False),
        eps=[
            ep("10.0.0.0", 80, False, True, True, False),
            ep("10.0.0.1", 80, True, False, False, False),
            ep("10.0.0.2", 80, True, False, True, True),
            ep("10.0.0.3", 80, False, False, True, True),
        ],
        cluster=s("10.0.0.0:80"),
        local=s("10.0.0.2:80"),
        all=s("10.0.0.0:80", "10.0.0.2:80"),
    ),
    dict(
        name="eTP ignored if not externally accessible",
        svc=svc(0, True, False),
        eps=[ep("10.0.0.0", 80, False, True, True, False), ep("10.0.0.1", 80, True, True, True, False)],
        cluster=s("10.0.0.0:80", "10.0.0.1:80"),
        local=None,
        all=s("10.0.0.0:80", "10.0.0.1:80"),
    ),
    dict(
        name="no cluster endpoints for iTP:Local internal-only service",
        svc=svc(0, False, True),
        eps=[ep("10.0.0.0", 80, False, True, True, False), ep("10.0.0.1", 80, True, True, True, False)],
        cluster=None,
        local=s("10.0.0.1:80"),
        all=s("10.0.0.1:80"),
    ),
    dict(
        name="externalTrafficPolicy: Local, externally accessible, with empty endpoints",
        svc=svc(8080, True, False),
        eps=[],
        cluster=s(),
        local=s(),
    ),
    dict(
        name="externalTrafficPolicy: Local, externally accessible, but all endpoints are remote",
        svc=svc(8080, True, False),
        eps=[ep("10.0.0.0", 80, False, True, True, False), ep("10.0.0.1", 80, False, True, True, False)],
        cluster=s("10.0.0.0:80", "10.0.0.1:80"),
        local=s(),
        all=s("10.0.0.0:80", "10.0.0.1:80"),
    ),
    dict(
        name="externalTrafficPolicy: Local, externally accessible, all endpoints are local",
        svc=svc(8080, True, False),
        eps=[ep("10.0.0.0", 80, True, True, True, False), ep("10.0.0.1", 80, True, True, True, False)],
        cluster=s("10.0.0.0:80", "10.0.0.1:80"),
        local=s("10.0.0.0:80", "10.0.0.1:80"),
        all=s("10.0.0.0:80", "10.0.0.1:80"),
    ),
    dict(
        name="externalTrafficPolicy: Local, externally accessible, some endpoints are local",
        svc=svc(8080, True, False),
        eps=[ep("10.0.0.0", 80, True, True, True, False), ep("10.0.0.1", 80, False, True, True, False)],
        cluster=s("10.0.0.0:80", "10.0.0.1:80"),
        local=s("10.0.0.0:80"),
        all=s("10.0.0.0:80", "10.0.0.1:80"),
    ),
]


def _check(expected, actual, what):
    # checkExpectedEndpoints: same set of ip:port strings (a nil result counts as empty)
    got = {str(e) for e in actual or []}
    assert got == (expected or set()), f"{what} endpoints"


@pytest.mark.parametrize("tc", CASES, ids=[c["name"] for c in CASES])
def test_categorize_endpoints(tc):
    cluster, local, all_eps, has_any = categorize_endpoints(
        tc["eps"], tc["svc"], tc.get("node", ""), tc.get("labels"), tc.get("prefer_same", False)
    )
    if tc["cluster"] is None:
        assert cluster is None, "expected no cluster endpoints"
    else:
        _check(tc["cluster"], cluster, "cluster")
    if tc["local"] is None:
        assert local is None, "expected no local endpoints"
    else:
        _check(tc["local"], local, "local")
    if tc["cluster"] is not None and tc["local"] is None:
        expected_all = tc["cluster"]
    elif tc["local"] is not None and tc["cluster"] is None:
        expected_all = tc["local"]
    else:
        expected_all = tc.get("all")
    _check(expected_all, all_eps, "all")
    if tc.get("only_remote"):
        assert has_any and not all_eps
    else:
        assert has_any == bool(all_eps)
