"""Bad input never escapes as a raw exception.

kube-apiserver and kubectl answer bad input with a status naming the object and the field; they never crash
and a rejected request changes nothing. These property tests throw random and mutated manifests at
``k8snet.manifests.load``, ``Cluster.apply`` and ``Cluster.kubectl`` and check that only
:class:`~k8snet.errors.K8snetError` subclasses come out, and that a failed apply leaves the store byte-identical.
"""

from __future__ import annotations

import copy
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from k8snet.errors import K8snetError, KubectlError
from k8snet.manifests import load
from k8snet.sim.cluster import Cluster

# K8SNET_FUZZ_EXAMPLES=5000 runs a longer, randomised search; the default is a fixed, quick one.
_EXAMPLES = int(os.environ.get("K8SNET_FUZZ_EXAMPLES", "150"))
SETTINGS = settings(
    max_examples=_EXAMPLES,
    deadline=None,
    derandomize=_EXAMPLES <= 150,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# -- random JSON-ish values ----------------------------------------------------------------------------------
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.sampled_from(["", "80", "http", "TCP", "None", "10.96.0.10", "-1", "a b", "é"]),
)
json_like = st.recursive(
    scalars,
    lambda kids: st.one_of(
        st.lists(kids, max_size=3), st.dictionaries(st.text(max_size=8), kids, max_size=3)
    ),
    max_leaves=12,
)

FIELDS = {
    "Service": [
        "ports",
        "selector",
        "type",
        "clusterIP",
        "clusterIPs",
        "externalIPs",
        "sessionAffinity",
        "externalTrafficPolicy",
        "internalTrafficPolicy",
        "ipFamilies",
        "ipFamilyPolicy",
        "loadBalancerIP",
        "externalName",
        "healthCheckNodePort",
        "publishNotReadyAddresses",
        "sessionAffinityConfig",
        "allocateLoadBalancerNodePorts",
        "trafficDistribution",
    ],
    "Pod": [
        "containers",
        "nodeName",
        "hostNetwork",
        "restartPolicy",
        "terminationGracePeriodSeconds",
        "initContainers",
        "hostname",
        "subdomain",
        "dnsPolicy",
        "readinessGates",
        "tolerations",
    ],
    "Deployment": ["replicas", "selector", "template", "strategy", "minReadySeconds", "paused"],
    "EndpointSlice": [],
    "Endpoints": [],
}
API = {
    "Service": "v1",
    "Pod": "v1",
    "Deployment": "apps/v1",
    "EndpointSlice": "discovery.k8s.io/v1",
    "Endpoints": "v1",
}


@st.composite
def shaped_docs(draw):
    """Dicts shaped like one of the kinds, with random field names and values at every level."""
    kind = draw(st.sampled_from(sorted(API)))
    doc: dict = {
        "apiVersion": API[kind],
        "kind": kind,
        "metadata": draw(
            st.one_of(json_like, st.fixed_dictionaries({"name": scalars}, optional={"labels": json_like}))
        ),
    }
    keys = FIELDS[kind] + ["bogus"]
    body = {k: draw(json_like) for k in draw(st.lists(st.sampled_from(keys), max_size=4, unique=True))}
    if kind == "EndpointSlice":
        doc.update({"addressType": draw(scalars), "endpoints": draw(json_like), "ports": draw(json_like)})
    elif kind == "Endpoints":
        doc["subsets"] = draw(json_like)
    else:
        doc["spec"] = draw(st.one_of(st.just(body), json_like))
    if draw(st.booleans()):
        del doc[draw(st.sampled_from(sorted(doc)))]
    return doc


@SETTINGS
@given(st.text(max_size=200))
def test_load_arbitrary_text(text):
    try:
        load(text)
    except K8snetError:
        pass


@SETTINGS
@given(st.one_of(shaped_docs(), json_like))
def test_load_shaped_dicts(doc):
    try:
        load(doc)
    except K8snetError:
        pass


# -- valid-looking manifests with mutations --------------------------------------------------------------
def _service():
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {"selector": {"app": "web"}, "ports": [{"name": "http", "port": 80, "targetPort": 8080}]},
    }


def _deployment():
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [{"name": "nginx", "image": "nginx", "ports": [{"containerPort": 8080}]}]
                },
            },
        },
    }


def _pod():
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "client", "labels": {"app": "web"}},
        "spec": {"containers": [{"name": "c", "image": "busybox", "ports": [{"containerPort": 80}]}]},
    }


BASES = [_service, _deployment, _pod]
ODD_VALUES = st.one_of(
    st.sampled_from(
        [
            None,
            "",
            0,
            -1,
            65536,
            2**31,
            2**63,
            -(2**40),
            "80",
            "http",
            "None",
            "10.96.0.1",
            "999.1.1.1",
            "10.96.0.010",
            "::1",
            "Bad_Name",
            "a" * 70,
            "NodePort",
            "LoadBalancer",
            "ExternalName",
            "Cluster",
            "Local",
            True,
            [],
            {},
            [None],
            {"": ""},
            {"a": None},
            "203.0.113.000/025",
            1.5,
        ]
    ),
    scalars,
)


def _paths(obj, prefix=()):
    """Every path into a JSON tree (dict keys and list indexes)."""
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, prefix + (i,))


def _set(obj, path, value):
    for p in path[:-1]:
        obj = obj[p]
    obj[path[-1]] = value


def _delete(obj, path):
    for p in path[:-1]:
        obj = obj[p]
    del obj[path[-1]]


EXTRA_KEYS = [
    "nodePort",
    "protocol",
    "appProtocol",
    "type",
    "clusterIP",
    "clusterIPs",
    "externalIPs",
    "name",
    "namespace",
    "generateName",
    "externalTrafficPolicy",
    "healthCheckNodePort",
    "hostPort",
    "matchExpressions",
    "ipFamilies",
    "ipFamilyPolicy",
    "sessionAffinity",
    "externalName",
    "loadBalancerIP",
    "hostNetwork",
    "nodeName",
    "readinessProbe",
    "terminationGracePeriodSeconds",
]


@st.composite
def mutated_manifests(draw):
    doc = draw(st.sampled_from(BASES))()
    for _ in range(draw(st.integers(0, 3))):
        paths = [p for p in _paths(doc) if len(p) >= 2]
        path = draw(st.sampled_from(paths))
        op = draw(st.sampled_from(["set", "set", "delete", "add"]))
        if op == "set":
            _set(doc, path, draw(ODD_VALUES))
        elif op == "delete":
            _delete(doc, path)
        else:
            parent = doc
            for p in path[:-1]:
                parent = parent[p]
            if isinstance(parent, dict):
                parent[draw(st.sampled_from(EXTRA_KEYS))] = draw(ODD_VALUES)
    return doc


# valid but unusual values: these get past validation and exercise the controllers and printers
SERVICE_VARIANTS = {
    "type": ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"],
    "externalName": ["example.com", "db.internal."],
    "clusterIP": ["None", "10.96.0.77", "", None],
    "externalTrafficPolicy": ["Local", "Cluster"],
    "internalTrafficPolicy": ["Local", "Cluster"],
    "sessionAffinity": ["ClientIP", "None"],
    "sessionAffinityConfig": [{"clientIP": {"timeoutSeconds": 1}}, {"clientIP": {"timeoutSeconds": 86400}}],
    "externalIPs": [["192.0.2.10"], ["192.0.2.010"]],
    "publishNotReadyAddresses": [True],
    "allocateLoadBalancerNodePorts": [False, True],
    "loadBalancerSourceRanges": [["203.0.113.0/24"], ["0.0.0.0/0"]],
    "trafficDistribution": ["PreferClose", "PreferSameZone", "PreferSameNode"],
    "selector": [{}, {"app": "none"}, {"app": "web", "tier": "x"}, None],
    "ports": [
        [{"port": 80, "targetPort": "http", "name": "http"}],
        [{"port": 53, "protocol": "UDP", "name": "dns"}, {"port": 53, "protocol": "TCP", "name": "dns-tcp"}],
        [{"port": 80, "nodePort": 30080}],
        [{"port": 9000, "protocol": "SCTP"}],
        [{"port": 80, "appProtocol": "http"}],
    ],
    "healthCheckNodePort": [30555],
}
POD_VARIANTS = {
    "hostNetwork": [True],
    "nodeName": ["minikube", "ghost-node"],
    "hostname": ["h1"],
    "subdomain": ["web"],
    "terminationGracePeriodSeconds": [0, 1],
    "restartPolicy": ["Never", "OnFailure"],
    "containers": [
        [{"name": "c", "image": "nginx", "ports": [{"containerPort": 8080, "name": "http"}]}],
        [{"name": "a", "image": "x"}, {"name": "b", "image": "registry.k8s.io/pause:3.10"}],
    ],
    "readinessGates": [[{"conditionType": "example.com/ready"}]],
    "tolerations": [[{"operator": "Exists"}]],
    "automountServiceAccountToken": [False],
    "priorityClassName": ["system-node-critical", "gold"],
}


@st.composite
def valid_variants(draw):
    doc = draw(st.sampled_from(BASES))()
    spec = doc["spec"] if doc["kind"] != "Deployment" else doc["spec"]["template"]["spec"]
    table = SERVICE_VARIANTS if doc["kind"] == "Service" else POD_VARIANTS
    for key in draw(st.lists(st.sampled_from(sorted(table)), max_size=4, unique=True)):
        spec[key] = copy.deepcopy(draw(st.sampled_from(table[key])))
    if doc["kind"] == "Deployment":
        doc["spec"]["replicas"] = draw(st.sampled_from([0, 1, 3]))
    doc["metadata"]["name"] = draw(st.sampled_from(["web", "web2", "db"]))
    return doc


@pytest.fixture(scope="module")
def cluster():
    return Cluster(preset="minikube")


def _check_apply(cluster, manifest):
    before = cluster.store.dump()
    # Cluster.apply is kubectl's per-object apply (issue 12; tests/kubectl/test_apply_semantics.py): one
    # document is all or nothing there; several are all or nothing only with atomic=True
    atomic = isinstance(manifest, list)
    try:
        cluster.apply(copy.deepcopy(manifest), atomic=atomic)
    except K8snetError:
        assert cluster.store.dump() == before, "a rejected apply changed the store"


@SETTINGS
@given(doc=mutated_manifests())
def test_apply_mutated_manifests(cluster, doc):
    _check_apply(cluster, doc)


@settings(SETTINGS, max_examples=max(60, _EXAMPLES // 3))
@given(doc=valid_variants())
def test_apply_valid_variants(doc):
    # a fresh cluster every 20 examples keeps the printers' work small
    global _VARIANT_CLUSTER, _VARIANT_COUNT
    if _VARIANT_COUNT % 20 == 0:
        _VARIANT_CLUSTER = Cluster(preset="minikube")
    _VARIANT_COUNT += 1
    cluster = _VARIANT_CLUSTER
    _check_apply(cluster, doc)
    cluster.kubectl("get all -o wide")
    kind = {"Service": "svc", "Pod": "pod", "Deployment": "deploy"}[doc["kind"]]
    try:
        cluster.kubectl(f"describe {kind} {doc['metadata']['name']}")
    except KubectlError:  # NotFound after a rejected apply
        pass
    if _VARIANT_COUNT % 7 == 0:
        cluster.clock.advance(seconds=31)  # let terminating pods go


_VARIANT_CLUSTER: Cluster | None = None
_VARIANT_COUNT = 0


@SETTINGS
@given(docs=st.lists(mutated_manifests(), min_size=2, max_size=3))
def test_apply_several_documents_is_all_or_nothing(cluster, docs):
    _check_apply(cluster, docs)


# -- kubectl token soup ------------------------------------------------------------------------------------
TOKENS = [
    "get",
    "describe",
    "run",
    "create",
    "expose",
    "apply",
    "scale",
    "label",
    "delete",
    "deployment",
    "deploy",
    "svc",
    "service",
    "pods",
    "po",
    "pod",
    "nodes",
    "ep",
    "endpointslices",
    "all",
    "web",
    "x",
    "-o",
    "wide",
    "yaml",
    "json",
    "name",
    "-n",
    "default",
    "kube-system",
    "-l",
    "app=web",
    "app!=",
    "-A",
    "--all-namespaces",
    "--port",
    "80",
    "0",
    "-1",
    "99999",
    "--target-port",
    "--type",
    "NodePort",
    "LoadBalancer",
    "--image",
    "nginx",
    "--replicas",
    "3",
    "--replicas=-2",
    "-f",
    "-",
    "--dry-run=client",
    "--selector",
    "=",
    ",",
    "''",
    '"',
    "--name",
    "web2",
    "--protocol",
    "SCTP",
    "--grace-period",
    "--now",
    "--all",
    "--show-labels",
    "--overwrite",
    "app-",
    "--",
    "--bogus",
    "a=b",
    "deployment/web",
    "svc/web",
    "pod/client",
    "/",
    "x/y/z",
    "--labels",
    "--expose",
    "--restart=Never",
    "--external-ip",
    "1.2.3.4",
    "--cluster-ip",
    "None",
    "--session-affinity",
    "ClientIP",
]


VERBS = [
    "get",
    "describe",
    "run",
    "create",
    "expose",
    "apply",
    "scale",
    "label",
    "delete",
    "create deployment",
]
RESOURCES = ["svc", "pods", "deploy", "ep", "endpointslices", "nodes", "all", "rs", "ns", "svc,pods", "bogus"]


@SETTINGS
@given(
    verb=st.sampled_from(VERBS),
    resource=st.sampled_from(RESOURCES + [""]),
    words=st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=6)), max_size=6),
    stdin=st.one_of(
        st.none(), st.text(max_size=40), mutated_manifests().map(lambda d: __import__("json").dumps(d))
    ),
)
def test_kubectl_token_soup(cluster, verb, resource, words, stdin):
    words = [*verb.split(), *([resource] if resource else []), *words]
    line = " ".join(words)
    before = cluster.store.dump()
    try:
        cluster.kubectl(line, stdin=stdin)
    except KubectlError:
        if not (words and words[0] in ("apply", "delete", "label", "scale")):
            # single-object commands are all-or-nothing
            assert cluster.store.dump() == before


# -- regressions for what the fuzzers found ----------------------------------------------------------------
def test_int32_overflow_is_a_decode_error():
    # encoding/json literalStore: OverflowInt -> UnmarshalTypeError{Value: "number <literal>"}
    doc = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "s"},
        "spec": {"ports": [{"port": 2**40}]},
    }
    with pytest.raises(K8snetError) as err:
        load(doc)
    assert str(err.value) == (
        'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal '
        "number 1099511627776 into Go struct field ServicePort.spec.ports.port of type int32"
    )


def test_int64_fields_take_large_numbers():
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {"terminationGracePeriodSeconds": 2**40, "containers": [{"name": "c", "image": "i"}]},
    }
    assert load(pod)[0].spec.terminationGracePeriodSeconds == 2**40


def test_null_follows_go_json_rules():
    # "unmarshaling a JSON null into any other Go type has no effect on the value": a null map value is "",
    # a null list element is the zero struct, a null struct field is unset.
    svc = load(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "s", "labels": {"a": None}},
            "spec": {"ports": [{"port": 80, "name": None}], "selector": None},
        }
    )[0]
    assert svc.metadata.labels == {"a": ""} and svc.spec.ports[0].name is None and svc.spec.selector is None
    c = Cluster(preset="minikube")
    with pytest.raises(K8snetError) as err:
        c.apply(
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [None]}}
        )
    assert "spec.containers[0].name: Required value" in str(err.value)


def test_namespace_and_node_names_are_validated():
    c = Cluster(preset="minikube")
    before = c.store.dump()
    with pytest.raises(K8snetError) as err:
        c.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "Dev"}})
    # ValidateNamespaceName = NameIsDNSLabel (apimachinery pkg/api/validation/generic.go)
    assert str(err.value).startswith(
        'The Namespace "Dev" is invalid: metadata.name: Invalid value: "Dev": '
        "a lowercase RFC 1123 label must consist of"
    )
    with pytest.raises(K8snetError) as err:
        c.apply({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "worker_1"}})
    assert "a lowercase RFC 1123 subdomain must consist of" in str(err.value)
    assert c.store.dump() == before


def test_cluster_scoped_objects_drop_a_namespace():
    # rest.BeforeCreate: "else if len(objectMeta.GetNamespace()) > 0 { objectMeta.SetNamespace(NamespaceNone) }"
    c = Cluster(preset="minikube")
    ns = c.apply(
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev", "namespace": "default"}}
    )
    assert ns[0].metadata.namespace is None
