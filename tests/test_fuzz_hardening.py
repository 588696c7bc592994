"""Property suites for issue 11, one per class of input: decoding, kubectl strings, DNS, and request sequences
driven through the public API.

Each asserts that only :class:`~k8snet.errors.K8snetError` escapes, that a failed request leaves
``cluster.store.dump()`` byte-identical, and that the work a request does is bounded by its input: decode
operations per YAML document, tokens per selector, queries per resolution, pods per cluster. The bounds are
counted, never timed.

``K8SNET_FUZZ_EXAMPLES=5000`` runs a longer, randomised search; the default is a fixed, quick one.
``benchmarks/hardening_campaign.py`` runs the same strategies and prints the per-class counts.
"""

from __future__ import annotations

import os

import pytest
from helpers.hardening import (
    DNS_NAMES,
    DNS_TYPES,
    FLAG_NUMBERS,
    NDOTS_VALUES,
    SELECTORS,
    YAML_DOCUMENTS,
    CountingDecoder,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from k8snet import manifests
from k8snet.api import labels
from k8snet.errors import K8snetError, KubectlError
from k8snet.sim.cluster import Cluster

_EXAMPLES = int(os.environ.get("K8SNET_FUZZ_EXAMPLES", "120"))
SETTINGS = settings(
    max_examples=_EXAMPLES,
    deadline=None,
    derandomize=_EXAMPLES <= 150,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)


@pytest.fixture(scope="module")
def cluster():
    c = Cluster(preset="minikube", cloud_provider=False)
    c.kubectl("create deployment web --image=nginx --port=80 -r 2")
    c.kubectl("expose deployment web --port=80")
    return c


def _request(cluster, fn):
    """Run one request: only a K8snetError may escape, and a failure changes nothing."""
    before = cluster.store.dump()
    try:
        return fn()
    except K8snetError:
        assert cluster.store.dump() == before, "a failed request changed the store"
        return None


# --- decoding -------------------------------------------------------------------------------------------------------


@SETTINGS
@given(text=YAML_DOCUMENTS)
def test_yaml_decoding(counting_decoder, text):
    counting_decoder.reset()
    try:
        manifests.load(text)
    except K8snetError:
        pass
    # go-yaml's alias ratio lets at most 99% of decodes come from aliases: work is linear in the document
    for count in counting_decoder.counts():
        assert count <= 100 * (len(text) + 1)


@pytest.fixture
def counting_decoder(monkeypatch):
    monkeypatch.setattr(manifests, "_Decoder", CountingDecoder)
    return CountingDecoder


@SETTINGS
@given(depth=st.integers(1, 3000), kind=st.sampled_from(["[", '{"a":']))
def test_json_nesting(depth, kind):
    close = "]" if kind == "[" else "}"
    text = kind * depth + ("1" if kind != "[" else "") + close * depth
    try:
        manifests.load(text)
    except K8snetError as err:
        assert depth > 100 or "nests" not in str(err)


# --- kubectl strings -------------------------------------------------------------------------------------------------


@SETTINGS
@given(selector=SELECTORS)
def test_selectors_parse_or_fail_with_labels_parse_text(selector):
    try:
        parsed = labels.parse(selector)
    except labels.LabelSelectorError:
        return
    # what parses restrings to a selector that parses to the same thing (Selector.String is canonical)
    assert str(labels.parse(str(parsed))) == str(parsed)
    assert len(parsed.requirements) <= selector.count(",") + 1


@SETTINGS
@given(selector=SELECTORS, verb=st.sampled_from(["get pods", "get all", "describe svc", "delete pods"]))
def test_kubectl_selectors(cluster, selector, verb):
    quoted = selector.replace("'", "")
    _request(cluster, lambda: cluster.kubectl(f"{verb} -l '{quoted}'"))


@settings(SETTINGS, max_examples=max(30, _EXAMPLES // 4))
@given(
    line=st.sampled_from(
        [
            "scale deploy web --replicas={n}",
            "scale deploy web --replicas={n} --current-replicas=2",
            "create deployment d{n} --image=i --port={n}",
            "create deployment r --image=i -r {n}",
            "expose deploy web --name=e --port={n}",
            "expose deploy web --name=t --port=80 --target-port={n}",
            "run p --image=i --port={n}",
            "delete pod nothere --grace-period={n}",
            "delete pod nothere --grace-period=99999999999999",
        ]
    ),
    n=FLAG_NUMBERS,
)
def test_kubectl_numbers(cluster, line, n):
    version = cluster.store.resource_version
    _request(cluster, lambda: cluster.kubectl(line.format(n=n)))
    if cluster.store.resource_version == version:
        return
    dep = cluster.get("Deployment", "web")
    # no count beyond int32 was stored, and none above the 3 the strategy can spell: the cluster stays small
    assert 0 <= dep.spec.replicas <= 3
    assert len(cluster.pods("default")) <= 3 + 3 + 1
    cluster.kubectl("scale deploy web --replicas=2")
    for name in [d.metadata.name for d in cluster.deployments("default") if d.metadata.name != "web"]:
        cluster.kubectl(f"delete deploy {name}")
    for pod in [p.metadata.name for p in cluster.pods("default") if p.metadata.labels.get("app") != "web"]:
        cluster.kubectl(f"delete pod {pod} --grace-period=0 --force")
    cluster.clock.advance(31)  # terminating pods go


# --- DNS ---------------------------------------------------------------------------------------------------------------


@SETTINGS
@given(name=DNS_NAMES, qtype=DNS_TYPES, ndots=NDOTS_VALUES)
def test_dns_questions(name, qtype, ndots):
    c = _dns_cluster(ndots)
    try:
        r = c.dns.resolve(name, qtype, pod="client")
    except K8snetError:
        return
    # res_search asks the name as is at most once, and each search domain at most once
    assert len(r.tried) <= 1 + 3


_DNS_CLUSTERS: dict[str, Cluster] = {}


def _dns_cluster(ndots: str) -> Cluster:
    if ndots not in _DNS_CLUSTERS:
        c = Cluster(preset="minikube", cloud_provider=False)
        c.apply(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "client"},
                "spec": {
                    "containers": [{"name": "c", "image": "busybox"}],
                    "dnsConfig": {"options": [{"name": "ndots", "value": ndots}]},
                },
            }
        )
        _DNS_CLUSTERS[ndots] = c
    return _DNS_CLUSTERS[ndots]


# --- request sequences through the public API -----------------------------------------------------------------------


class Requests(RuleBasedStateMachine):
    """A user with a cluster: applies, scales, labels, deletes, lists with selectors and lets time pass."""

    def __init__(self):
        super().__init__()
        self.cluster = Cluster(preset="minikube", cloud_provider=False)

    def request(self, fn):
        _request(self.cluster, fn)

    @rule(name=st.sampled_from(["a", "b"]), replicas=st.sampled_from([0, 1, 2, -1, 2**31, 2**63, "2", None]))
    def apply_deployment(self, name, replicas):
        doc = {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": name},
            "spec": {
                "replicas": replicas,
                "selector": {"matchLabels": {"app": name}},
                "template": {
                    "metadata": {"labels": {"app": name}},
                    "spec": {"containers": [{"name": "c", "image": "nginx"}]},
                },
            },
        }
        self.request(lambda: self.cluster.apply(doc))

    @rule(name=st.sampled_from(["a", "b"]), n=FLAG_NUMBERS)
    def scale(self, name, n):
        self.request(lambda: self.cluster.kubectl(f"scale deploy {name} --replicas={n}"))

    @rule(name=st.sampled_from(["a", "b"]), n=st.sampled_from([2, 2**31, 10**20, -3]))
    def scale_through_python(self, name, n):
        self.request(lambda: self.cluster.scale("deployment", name, n))

    @rule(
        kind=st.sampled_from(["ns", "deploy", "pod", "svc"]),
        name=st.sampled_from(["default", "kube-system", "kube-public", "a", "kubernetes"]),
    )
    def delete(self, kind, name):
        self.request(lambda: self.cluster.kubectl(f"delete {kind} {name}"))

    @rule(selector=SELECTORS)
    def list_with_selector(self, selector):
        quoted = selector.replace("'", "")
        self.request(lambda: self.cluster.kubectl(f"get pods -l '{quoted}'"))

    @rule(value=st.sampled_from(["abc", "-1", "1", "", "99999999999999999999"]))
    def pod_with_ndots(self, value):
        pod = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "dns"},
            "spec": {
                "containers": [{"name": "c", "image": "i"}],
                "dnsConfig": {"options": [{"name": "ndots", "value": value}]},
            },
        }
        self.request(lambda: self.cluster.apply(pod))
        self.request(lambda: self.cluster.dns.resolve("kubernetes", pod="dns"))

    @rule(step=st.sampled_from([1, 31, 3600, 10**7 * 86400, float("nan"), -5]))
    def advance(self, step):
        self.request(lambda: self.cluster.clock.advance(step))

    @invariant()
    def bounded(self):
        # every accepted replica count was a small one (at most 3 per Deployment, running or terminating)
        assert len(self.cluster.pods("default")) <= 2 * (3 + 3) + 1


TestRequests = Requests.TestCase
TestRequests.settings = settings(
    max_examples=max(10, _EXAMPLES // 8),
    stateful_step_count=12,
    deadline=None,
    derandomize=_EXAMPLES <= 150,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def test_kubectl_error_is_what_kubectl_commands_raise(cluster):
    with pytest.raises(KubectlError):
        cluster.kubectl("get pods -l '('")
