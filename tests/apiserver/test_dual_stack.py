"""Dual-stack Services through the API server: defaulting, validation and allocation of ``ipFamilyPolicy``,
``ipFamilies`` and ``clusterIPs`` on create and update, for single-stack (IPv4, IPv6) and dual-stack (v4,v6 and
v6,v4) clusters.

The tables are transcribed from kubernetes/kubernetes ``pkg/registry/core/service/storage/storage_test.go``:

* ``TestCreateInitIPFields``: the full matrix clusterIPs x ipFamilyPolicy x ipFamilies for each cluster
  configuration, each cell the policy and families the created Service gets, or an error;
* ``TestCreateInvalidClusterIPInputs``: error cases with the text the error must contain;
* ``TestUpdateIPsFromSingleStack`` / ``TestUpdateIPsFromDualStack``: create, then PUT a new object (upstream's
  ``svctest.MakeService`` with a changed selector) with policy x families x clusterIPs, including the
  upgrades and downgrades between SingleStack and RequireDualStack, each row the number of families after the
  update or an error; checks as ``helpTestCreateUpdateDeleteWithFamilies`` / ``verifyExpectations`` make them
  (``proveClusterIPsAllocated``, ``proveHeadless``, ``proveClusterIPsDeallocated`` after delete);
* ``TestFeatureClusterIPs``: ClusterIPs are immutable.

Upstream's storage uses ``10.0.0.0/16`` and ``2000::/108`` (``newStorage``); so do these tests.
"""

from __future__ import annotations

import pytest

from k8snet.api.core_v1 import Namespace, Service
from k8snet.apiserver.server import APIServer
from k8snet.apiserver.store import Store
from k8snet.clock import SimClock
from k8snet.errors import InvalidError, KubectlError

V4, V6 = "IPv4", "IPv6"
CIDRS = {V4: "10.0.0.0/16", V6: "2000::/108"}
CLUSTERS = {
    "singlestack:v4": (V4,),
    "singlestack:v6": (V6,),
    "dualstack:v4v6": (V4, V6),
    "dualstack:v6v4": (V6, V4),
}
POLICIES = {"unset": None, "SS": "SingleStack", "PDS": "PreferDualStack", "RDS": "RequireDualStack"}
FAMILIES = {"unset": None, "v4": [V4], "v6": [V6], "v4v6": [V4, V6], "v6v4": [V6, V4]}
CLUSTER_IPS = {
    "unset": None,
    "v4": ["10.0.0.1"],
    "v6": ["2000::1"],
    "v4v6": ["10.0.0.1", "2000::1"],
    "v6v4": ["2000::1", "10.0.0.1"],
    "HL": ["None"],
    "HLSL": ["None"],
}


def api_server(families) -> APIServer:
    clock = SimClock()
    api = APIServer(Store(clock), clock, [CIDRS[f] for f in families])
    api.create(Namespace(metadata={"name": "default"}))
    return api


def make_service(name="foo", *, selector=("k", "v"), ips=None, policy=None, families=None, headless=False):
    """svctest.MakeService: selector k=v, sessionAffinity None, type ClusterIP, one port 93 -> 76/TCP."""
    spec: dict = {
        "selector": dict([selector]) if selector else None,
        "sessionAffinity": "None",
        "type": "ClusterIP",
        "ports": [{"port": 93, "targetPort": 76, "protocol": "TCP"}],
    }
    if headless:
        ips = ["None"]
    if ips:  # svctest.SetClusterIPs sets both the singular and the plural
        spec["clusterIP"], spec["clusterIPs"] = ips[0], list(ips)
    if policy:
        spec["ipFamilyPolicy"] = policy
    if families:
        spec["ipFamilies"] = list(families)
    return Service(metadata={"name": name, "namespace": "default"}, spec=spec)


def family_of(ip: str) -> str:
    return V6 if ":" in ip else V4


def prove_cluster_ips_allocated(api, before, after) -> None:
    # storage_test.go proveClusterIPsAllocated
    s = after.spec
    assert s.clusterIP == s.clusterIPs[0]
    for ip in s.clusterIPs:
        assert api.ip_allocators[family_of(ip)].has(ip), ip
    assert len(s.clusterIPs) == len(s.ipFamilies)
    assert [family_of(ip) for ip in s.clusterIPs] == s.ipFamilies
    expected = {"SingleStack": 1, "RequireDualStack": 2, "PreferDualStack": len(api.ip_families)}
    assert len(s.ipFamilies) == expected[s.ipFamilyPolicy]
    if before is not None:
        if before.spec.clusterIP:
            assert s.clusterIP == before.spec.clusterIP
        n = min(len(before.spec.clusterIPs), len(s.clusterIPs))
        assert s.clusterIPs[:n] == before.spec.clusterIPs[:n]
        n = min(len(before.spec.ipFamilies), len(s.ipFamilies))
        assert s.ipFamilies[:n] == before.spec.ipFamilies[:n]


def prove_headless(after) -> None:
    assert after.spec.clusterIP == after.spec.clusterIPs[0] == "None" and after.spec.clusterIPs == ["None"]


def prove_cluster_ips_deallocated(api, before) -> None:
    if before.spec.clusterIP != "None":
        for ip in before.spec.clusterIPs or []:
            assert not api.ip_allocators[family_of(ip)].has(ip), ip


# ----------------------------------------------------------------------------------------------------------------
# TestCreateInitIPFields
# ----------------------------------------------------------------------------------------------------------------

# Each row: clusterIPs kind, policy, then the result for families unset, v4, v6, v4v6, v6v4. "E": error;
# "SS4": SingleStack [IPv4]; "PDS64": PreferDualStack [IPv6, IPv4]; and so on. Rows upstream leaves out for a
# cluster (ClusterIPs:v6 on singlestack:v4, ClusterIPs:v4 on singlestack:v6) are left out here too.
CREATE_GRID = """
singlestack:v4
unset unset  SS4 SS4 E E E
unset SS     SS4 SS4 E E E
unset PDS    PDS4 PDS4 E E E
unset RDS    E E E E E
v4 unset     SS4 SS4 E E E
v4 SS        SS4 SS4 E E E
v4 PDS       PDS4 PDS4 E E E
v4 RDS       E E E E E
v4v6 unset   E E E E E
v4v6 SS      E E E E E
v4v6 PDS     E E E E E
v4v6 RDS     E E E E E
v6v4 unset   E E E E E
v6v4 SS      E E E E E
v6v4 PDS     E E E E E
v6v4 RDS     E E E E E
HL unset     SS4 SS4 E E E
HL SS        SS4 SS4 E E E
HL PDS       PDS4 PDS4 E E E
HL RDS       E E E E E
HLSL unset   RDS46 RDS46 RDS64 RDS46 RDS64
HLSL SS      SS4 SS4 SS6 E E
HLSL PDS     PDS46 PDS46 PDS64 PDS46 PDS64
HLSL RDS     RDS46 RDS46 RDS64 RDS46 RDS64

singlestack:v6
unset unset  SS6 E SS6 E E
unset SS     SS6 E SS6 E E
unset PDS    PDS6 E PDS6 E E
unset RDS    E E E E E
v6 unset     SS6 E SS6 E E
v6 SS        SS6 E SS6 E E
v6 PDS       PDS6 E PDS6 E E
v6 RDS       E E E E E
v4v6 unset   E E E E E
v4v6 SS      E E E E E
v4v6 PDS     E E E E E
v4v6 RDS     E E E E E
v6v4 unset   E E E E E
v6v4 SS      E E E E E
v6v4 PDS     E E E E E
v6v4 RDS     E E E E E
HL unset     SS6 E SS6 E E
HL SS        SS6 E SS6 E E
HL PDS       PDS6 E PDS6 E E
HL RDS       E E E E E
HLSL unset   RDS64 RDS46 RDS64 RDS46 RDS64
HLSL SS      SS6 SS4 SS6 E E
HLSL PDS     PDS64 PDS46 PDS64 PDS46 PDS64
HLSL RDS     RDS64 RDS46 RDS64 RDS46 RDS64

dualstack:v4v6
unset unset  SS4 SS4 SS6 E E
unset SS     SS4 SS4 SS6 E E
unset PDS    PDS46 PDS46 PDS64 PDS46 PDS64
unset RDS    RDS46 RDS46 RDS64 RDS46 RDS64
v4 unset     SS4 SS4 E E E
v4 SS        SS4 SS4 E E E
v4 PDS       PDS46 PDS46 E PDS46 E
v4 RDS       RDS46 RDS46 E RDS46 E
v6 unset     SS6 E SS6 E E
v6 SS        SS6 E SS6 E E
v6 PDS       PDS64 E PDS64 E PDS64
v6 RDS       RDS64 E RDS64 E RDS64
v4v6 unset   E E E E E
v4v6 SS      E E E E E
v4v6 PDS     PDS46 PDS46 E PDS46 E
v4v6 RDS     RDS46 RDS46 E RDS46 E
v6v4 unset   E E E E E
v6v4 SS      E E E E E
v6v4 PDS     PDS64 E PDS64 E PDS64
v6v4 RDS     RDS64 E RDS64 E RDS64
HL unset     SS4 SS4 SS6 E E
HL SS        SS4 SS4 SS6 E E
HL PDS       PDS46 PDS46 PDS64 PDS46 PDS64
HL RDS       RDS46 RDS46 RDS64 RDS46 RDS64
HLSL unset   RDS46 RDS46 RDS64 RDS46 RDS64
HLSL SS      SS4 SS4 SS6 E E
HLSL PDS     PDS46 PDS46 PDS64 PDS46 PDS64
HLSL RDS     RDS46 RDS46 RDS64 RDS46 RDS64

dualstack:v6v4
unset unset  SS6 SS4 SS6 E E
unset SS     SS6 SS4 SS6 E E
unset PDS    PDS64 PDS46 PDS64 PDS46 PDS64
unset RDS    RDS64 RDS46 RDS64 RDS46 RDS64
v4 unset     SS4 SS4 E E E
v4 SS        SS4 SS4 E E E
v4 PDS       PDS46 PDS46 E PDS46 E
v4 RDS       RDS46 RDS46 E RDS46 E
v6 unset     SS6 E SS6 E E
v6 SS        SS6 E SS6 E E
v6 PDS       PDS64 E PDS64 E PDS64
v6 RDS       RDS64 E RDS64 E RDS64
v4v6 unset   E E E E E
v4v6 SS      E E E E E
v4v6 PDS     PDS46 PDS46 E PDS46 E
v4v6 RDS     RDS46 RDS46 E RDS46 E
v6v4 unset   E E E E E
v6v4 SS      E E E E E
v6v4 PDS     PDS64 E PDS64 E PDS64
v6v4 RDS     RDS64 E RDS64 E RDS64
HL unset     SS6 SS4 SS6 E E
HL SS        SS6 SS4 SS6 E E
HL PDS       PDS64 PDS46 PDS64 PDS46 PDS64
HL RDS       RDS64 RDS46 RDS64 RDS46 RDS64
HLSL unset   RDS64 RDS46 RDS64 RDS46 RDS64
HLSL SS      SS6 SS4 SS6 E E
HLSL PDS     PDS64 PDS46 PDS64 PDS46 PDS64
HLSL RDS     RDS64 RDS46 RDS64 RDS46 RDS64
"""


def _expectation(cell: str):
    if cell == "E":
        return None
    policy = next(v for k, v in POLICIES.items() if k != "unset" and cell.startswith(k))
    digits = cell[len(next(k for k in POLICIES if k != "unset" and cell.startswith(k))) :]
    return policy, [V4 if d == "4" else V6 for d in digits]


def _create_cases():
    cases = []
    cluster = ""
    for line in CREATE_GRID.strip().splitlines():
        words = line.split()
        if not words:
            continue
        if len(words) == 1:
            cluster = words[0]
            continue
        ips, policy, *cells = words
        assert len(cells) == 5, line
        for fam, cell in zip(FAMILIES, cells, strict=True):
            cases.append(
                pytest.param(
                    cluster,
                    ips,
                    policy,
                    fam,
                    _expectation(cell),
                    id=f"{cluster}-ClusterIPs:{ips}_Policy:{policy}_Families:{fam}",
                )
            )
    return cases


CREATE_CASES = _create_cases()


def test_create_grid_is_complete():
    # 4 clusters; 6 clusterIP kinds on single-stack clusters, 7 on dual-stack ones; 4 policies x 5 family lists
    assert len(CREATE_CASES) == (6 + 6 + 7 + 7) * 4 * 5


@pytest.mark.parametrize(("cluster", "ips", "policy", "families", "expect"), CREATE_CASES)
def test_create_init_ip_fields(cluster, ips, policy, families, expect):
    api = api_server(CLUSTERS[cluster])
    svc = make_service(
        ips=CLUSTER_IPS[ips],
        selector=None if ips == "HLSL" else ("k", "v"),
        policy=POLICIES[policy],
        families=FAMILIES[families],
    )
    if expect is None:
        before = api.store.dump()
        with pytest.raises((InvalidError, KubectlError)):
            api.create(svc)
        assert api.store.dump() == before  # a refused create changes nothing
        return
    created = api.create(svc)
    assert (created.spec.ipFamilyPolicy, created.spec.ipFamilies) == expect
    if ips in ("HL", "HLSL"):
        prove_headless(created)
    else:
        prove_cluster_ips_allocated(api, None, created)
    api.delete("Service", "foo")
    prove_cluster_ips_deallocated(api, created)


# ----------------------------------------------------------------------------------------------------------------
# TestCreateInvalidClusterIPInputs
# ----------------------------------------------------------------------------------------------------------------

INVALID_INPUTS = [
    ("bad_ipFamilyPolicy", (V4,), dict(policy="garbage"), ["Unsupported value"]),
    ("requiredual_ipFamilyPolicy_on_singlestack", (V4,), dict(policy="RequireDualStack"),
     ["cluster is not configured for dual-stack"]),
    ("bad_ipFamilies_0_value", (V4,), dict(families=["garbage"]), ["Unsupported value"]),
    ("bad_ipFamilies_1_value", (V4,), dict(families=[V4, "garbage"]), ["Unsupported value"]),
    ("bad_ipFamilies_2_value", (V4, V6), dict(families=[V4, V6, "garbage"]), ["Unsupported value"]),
    ("wrong_ipFamily", (V4,), dict(families=[V6]), ["not configured on this cluster"]),
    ("too_many_ipFamilies_on_singlestack", (V4,), dict(families=[V4, V6]),
     ["when multiple IP families are specified"]),
    ("dup_ipFamily_singlestack", (V4,), dict(families=[V4, V4]), ["Duplicate value"]),
    ("dup_ipFamily_dualstack", (V4, V6), dict(families=[V4, V6, V6]), ["Duplicate value"]),
    ("bad_IP", (V4,), dict(ips=["garbage"]), ["must be a valid IP"]),
    ("IP_wrong_family", (V4,), dict(ips=["2000::1"]), ["not configured on this cluster"]),
    ("IP_doesnt_match_family", (V4,), dict(families=[V4], ips=["2000::1"]),
     ["expected an IPv4 value as indicated"]),
    ("too_many_IPs_singlestack", (V4,), dict(ips=["10.0.0.1", "10.0.0.2"]),
     ["no more than one IP for each IP family"]),
    ("too_many_IPs_dualstack", (V4, V6), dict(ips=["10.0.0.1", "2000::1", "10.0.0.2"]),
     ["only hold up to 2 values"]),
    ("dup_IPs", (V4,), dict(ips=["10.0.0.1", "10.0.0.1"]), ["no more than one IP for each IP family"]),
    ("empty_IP", (V4,), dict(ips=[""]), ["must be empty when", "must be a valid IP"]),
    ("None_IP_1", (V4,), dict(ips=["10.0.0.1", "None"]), ["must be a valid IP"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "families", "tweaks", "expect"), INVALID_INPUTS, ids=[c[0] for c in INVALID_INPUTS]
)
def test_create_invalid_cluster_ip_inputs(name, families, tweaks, expect):
    api = api_server(families)
    tweaks = dict(tweaks)
    ips = tweaks.pop("ips", None)
    svc = make_service(**tweaks)
    if ips is not None:  # svctest.SetClusterIPs, "" included
        svc.spec.clusterIP, svc.spec.clusterIPs = ips[0], list(ips)
    with pytest.raises(InvalidError) as err:
        api.create(svc)
    for text in expect:
        assert text in str(err.value)


def test_invalid_inputs_full_text():
    """The whole error for the two cases a reader meets most, as kubectl prints it."""
    with pytest.raises(InvalidError) as err:
        api_server((V4,)).create(make_service(policy="RequireDualStack"))
    assert str(err.value) == (
        'The Service "foo" is invalid: spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is '
        "not configured for dual-stack services"
    )
    with pytest.raises(InvalidError) as err:
        api_server((V4,)).create(make_service(ips=["2000::1"]))
    assert str(err.value) == (
        'The Service "foo" is invalid: spec.clusterIPs[0]: Invalid value: ["2000::1"]: IPv6 is not configured on '
        "this cluster"
    )


def test_requested_ip_in_use_reports_the_markers():
    # alloc.go allocIPs: the field error shows spec.clusterIPs as allocClusterIPs left it, "" for the family
    # still to allocate
    api = api_server((V4, V6))
    api.create(make_service("a", ips=["10.0.0.1"]))
    with pytest.raises(InvalidError) as err:
        api.create(make_service("b", ips=["10.0.0.1"], policy="RequireDualStack"))
    assert str(err.value) == (
        'The Service "b" is invalid: spec.clusterIPs: Invalid value: ["10.0.0.1",""]: failed to allocate IP '
        "10.0.0.1: provided IP is already allocated"
    )


def test_create_delete_reuse():
    # TestCreateDeleteReuse: NodePort Services of each family give back their IPs and ports, which can be asked
    # for again
    for tweaks in (
        dict(families=[V4]),
        dict(families=[V6]),
        dict(policy="PreferDualStack", families=[V4, V6]),
    ):
        api = api_server((V4, V6))
        svc = make_service(**tweaks)
        svc.spec.type = "NodePort"
        created = api.create(svc)
        prove_cluster_ips_allocated(api, None, created)
        assert all(api.ports.has(p.nodePort) for p in created.spec.ports)
        api.delete("Service", "foo")
        prove_cluster_ips_deallocated(api, created)
        assert not any(api.ports.has(p.nodePort) for p in created.spec.ports)
        again = svc.model_copy(deep=True)
        again.metadata.name = "foo2"
        again.spec.clusterIP, again.spec.clusterIPs = created.spec.clusterIP, list(created.spec.clusterIPs)
        again.spec.ports = [p.model_copy() for p in created.spec.ports]
        prove_cluster_ips_allocated(api, None, api.create(again))


# ----------------------------------------------------------------------------------------------------------------
# TestUpdateIPsFromSingleStack / TestUpdateIPsFromDualStack
# ----------------------------------------------------------------------------------------------------------------

UPDATE_POLICIES = {
    "nil": None,
    "single": "SingleStack",
    "prefer": "PreferDualStack",
    "require": "RequireDualStack",
}

# The update matrix policy x families x ips. Rows: policy families ips -> number of families after the update,
# "E" for an error, "1d" for a downgrade (expectStackDowngrade: the secondary IP is released).
FROM_SINGLE = """
nil nil nil 1
nil nil single 1
nil nil dual E
nil single nil 1
nil single single 1
nil single dual E
nil dual nil E
nil dual single E
nil dual dual E
single nil nil 1
single nil single 1
single nil dual E
single single nil 1
single single single 1
single single dual E
single dual nil E
single dual single E
single dual dual E
prefer nil nil 2
prefer nil single 2
prefer nil dual 2
prefer single nil 2
prefer single single 2
prefer single dual 2
prefer dual nil 2
prefer dual single 2
prefer dual dual 2
require nil nil 2
require nil single 2
require nil dual 2
require single nil 2
require single single 2
require single dual 2
require dual nil 2
require dual single 2
require dual dual 2
"""
FROM_DUAL = """
nil nil nil 2
nil nil single E
nil nil dual 2
nil single nil E
nil single single E
nil single dual E
nil dual nil 2
nil dual single E
nil dual dual 2
single nil nil 1
single nil single 1
single nil dual 1d
single single nil 1
single single single 1
single single dual 1d
single dual nil 1d
single dual single 1d
single dual dual 1d
prefer nil nil 2
prefer nil single E
prefer nil dual 2
prefer single nil E
prefer single single E
prefer single dual E
prefer dual nil 2
prefer dual single E
prefer dual dual 2
require nil nil 2
require nil single E
require nil dual 2
require single nil E
require single single E
require single dual E
require dual nil 2
require dual single E
require dual dual 2
"""


def _update_cases(grid: str, start: str):
    out = []
    for order in ("v4v6", "v6v4"):
        for line in grid.strip().splitlines():
            policy, fams, ips, result = line.split()
            out.append(
                pytest.param(
                    start, order, policy, fams, ips, result, id=f"{start}-{order}-{line.replace(' ', '_')}"
                )
            )
    return out


def _run_create_update_delete(api, create: Service, update: Service, expect: str, headless: bool = False):
    """helpTestCreateUpdateDeleteWithFamilies for one case."""
    created = api.create(create)
    if headless:
        prove_headless(created)
    else:
        prove_cluster_ips_allocated(api, None, created)
    if expect == "E":
        before = api.store.dump()
        with pytest.raises((InvalidError, KubectlError)):
            api.update(update)
        assert api.store.dump() == before  # a refused update changes nothing, allocations included
        last = created
    else:
        updated = api.update(update)
        if headless:
            prove_headless(updated)
        else:
            prove_cluster_ips_allocated(api, created, updated)
        assert len(updated.spec.ipFamilies) == int(expect[0])
        if expect == "1d" and not headless:  # the downgrade gave the secondary IP back
            secondary = created.spec.clusterIPs[1]
            assert not api.ip_allocators[family_of(secondary)].has(secondary)
        last = updated
    api.delete("Service", "foo")
    prove_cluster_ips_deallocated(api, last)


@pytest.mark.parametrize(
    ("start", "order", "policy", "fams", "ips", "expect"),
    _update_cases(FROM_SINGLE, "single") + _update_cases(FROM_DUAL, "dual"),
)
def test_update_ips(start, order, policy, fams, ips, expect):
    primary, secondary = (V4, V6) if order == "v4v6" else (V6, V4)
    ip = {V4: "10.0.0.1", V6: "2000::1"}
    api = api_server((primary, secondary))
    if start == "single":
        create = make_service(policy="SingleStack", ips=[ip[primary]])
    else:
        create = make_service(policy="RequireDualStack", ips=[ip[primary], ip[secondary]])
    update = make_service(
        selector=("k2", "v2"),
        policy=UPDATE_POLICIES[policy],
        families={"nil": None, "single": [primary], "dual": [primary, secondary]}[fams],
        ips={"nil": None, "single": [ip[primary]], "dual": [ip[primary], ip[secondary]]}[ips],
    )
    _run_create_update_delete(api, create, update, expect)


@pytest.mark.parametrize("order", ["v4v6", "v6v4"])
def test_update_single_stack_extra_cases(order):
    primary, secondary = (V4, V6) if order == "v4v6" else (V6, V4)
    ip = {V4: "10.0.0.1", V6: "2000::1"}
    # single-dual_wrong_order_families / _ips: the primary family and IP cannot change on upgrade
    api = api_server((primary, secondary))
    create = make_service(policy="SingleStack", ips=[ip[primary]])
    wrong_families = make_service(policy="RequireDualStack", families=[secondary, primary])
    _run_create_update_delete(api, create, wrong_families, "E")
    wrong_ips = make_service(policy="RequireDualStack", ips=[ip[secondary], ip[primary]])
    _run_create_update_delete(api, create, wrong_ips, "E")
    # single-dual_ip_in_use: the secondary asked for is taken
    api.ip_allocators[secondary].allocate(ip[secondary])
    in_use = make_service(
        selector=("k2", "v2"),
        policy="RequireDualStack",
        families=[primary, secondary],
        ips=[ip[primary], ip[secondary]],
    )
    _run_create_update_delete(api, create, in_use, "E")


def test_update_single_stack_control_v4():
    # testCasesV4: on a single-stack cluster only SingleStack updates go through
    for update, expect in (
        (make_service(policy="SingleStack", selector=("k2", "v2")), "1"),
        (make_service(policy="RequireDualStack", families=[V4, V6]), "E"),
        (make_service(policy="RequireDualStack"), "E"),
        (make_service(families=[V4, V6]), "E"),
    ):
        _run_create_update_delete(api_server((V4,)), make_service(policy="SingleStack"), update, expect)


@pytest.mark.parametrize("order", ["v4v6", "v6v4"])
def test_update_dual_stack_wrong_order(order):
    # dual-single_wrong_order_families / _ips: a downgrade keeps the primary
    primary, secondary = (V4, V6) if order == "v4v6" else (V6, V4)
    ip = {V4: "10.0.0.1", V6: "2000::1"}
    create = make_service(policy="RequireDualStack", ips=[ip[primary], ip[secondary]])
    _run_create_update_delete(
        api_server((primary, secondary)),
        create,
        make_service(policy="SingleStack", families=[secondary]),
        "E",
    )
    _run_create_update_delete(
        api_server((primary, secondary)), create, make_service(policy="SingleStack", ips=[ip[secondary]]), "E"
    )


# headless Services on a v4,v6 cluster: policy x families -> families after the update, or an error
HEADLESS_FROM_SINGLE = """
nil nil 1
nil single 1
nil dual E
single nil 1
single single 1
single dual E
prefer nil 2
prefer single 2
prefer dual 2
require nil 2
require single 2
require dual 2
"""
HEADLESS_FROM_DUAL = """
nil nil 2
nil single E
nil dual 2
single nil 1
single single 1
single dual 1d
prefer nil 2
prefer single E
prefer dual 2
require nil 2
require single E
require dual 2
"""


@pytest.mark.parametrize(
    ("start", "policy", "fams", "expect"),
    [("single", *line.split()) for line in HEADLESS_FROM_SINGLE.strip().splitlines()]
    + [("dual", *line.split()) for line in HEADLESS_FROM_DUAL.strip().splitlines()],
)
def test_update_headless(start, policy, fams, expect):
    api = api_server((V4, V6))
    create = make_service(headless=True, policy="SingleStack" if start == "single" else "RequireDualStack")
    update = make_service(
        selector=("k2", "v2"),
        policy=UPDATE_POLICIES[policy],
        families={"nil": None, "single": [V4], "dual": [V4, V6]}[fams],
    )
    _run_create_update_delete(api, create, update, expect, headless=True)


def test_feature_cluster_ips_are_immutable():
    # TestFeatureClusterIPs
    cases = [
        (make_service(), make_service(headless=True)),
        (make_service(headless=True), make_service(ips=["10.0.0.93"])),
        (make_service(ips=["10.0.0.93"]), make_service(ips=["10.0.0.76"])),
        (
            make_service(policy="PreferDualStack", ips=["10.0.0.93", "2000::93"]),
            make_service(policy="PreferDualStack", ips=["10.0.0.76", "2000::76"]),
        ),
    ]
    for create, update in cases:
        _run_create_update_delete(
            api_server((V4, V6)), create, update, "E", headless=create.spec.clusterIP == "None"
        )


# ----------------------------------------------------------------------------------------------------------------
# What the registry does besides: the secondary range, PreferDualStack left alone, the kubernetes Service
# ----------------------------------------------------------------------------------------------------------------


def test_upgrade_allocates_from_the_secondary_range_and_downgrade_releases_it():
    api = api_server((V4, V6))
    svc = api.create(make_service(ips=["10.0.0.5"]))
    assert (svc.spec.ipFamilyPolicy, svc.spec.clusterIPs) == ("SingleStack", ["10.0.0.5"])
    svc.spec.ipFamilyPolicy = "RequireDualStack"
    up = api.update(svc)
    v6 = up.spec.clusterIPs[1]
    assert up.spec.ipFamilies == [V4, V6] and api.ip_allocators[V6].has(v6)
    # automatic allocation prefers the upper (dynamic) band of 2000::/108, above its 256-address static band
    assert int(api.ip_allocators[V6]._offset_of(v6)) >= api.ip_allocators[V6].offset
    up.spec.ipFamilyPolicy = "SingleStack"
    down = api.update(up)
    assert (down.spec.clusterIPs, down.spec.ipFamilies) == (["10.0.0.5"], [V4])
    assert not api.ip_allocators[V6].has(v6)


def test_prefer_dual_stack_is_not_upgraded_by_an_unrelated_update():
    # isMatchingPreferDualStackClusterIPFields: a PreferDualStack Service created while the cluster was
    # single-stack keeps one family through updates that leave its IP fields alone, even on a cluster that has
    # become dual-stack (here: the stored object as a single-stack server wrote it, updated by a dual-stack one)
    single = api_server((V4,))
    old = single.create(make_service(policy="PreferDualStack"))
    assert old.spec.ipFamilies == [V4]
    dual = api_server((V4, V6))
    dual.store.put(old.model_copy(deep=True))
    dual.ips.allocate(old.spec.clusterIP)
    new = dual.get("Service", "foo")
    new.spec.selector = {"k2": "v2"}
    kept = dual.update(new)
    assert (kept.spec.ipFamilies, kept.spec.clusterIPs) == ([V4], old.spec.clusterIPs)
    # without the policy in the request it is not a match: the old policy is adopted and the Service upgraded
    new = kept.model_copy(deep=True)
    new.spec.ipFamilyPolicy = None
    upgraded = dual.update(new)
    assert upgraded.spec.ipFamilies == [V4, V6] and len(upgraded.spec.clusterIPs) == 2
