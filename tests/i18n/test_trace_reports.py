"""The reports the model writes about a packet's path (:mod:`k8snet.sim.trace`, :mod:`k8snet.sim.whatif`,
:mod:`k8snet.sim.simulate`) in the zh-CN edition: the model's sentences in Chinese, everything a real tool or
kube-proxy wrote (rules, their comments, iptables verdicts, the executor's ``DNAT to``), names and addresses
exactly as in the English report, and the English report and the data (``to_dict()``, ``reason``, ``effect``)
unchanged.
"""

from __future__ import annotations

import copy
import pickle
import re
from fractions import Fraction

import pytest

from k8snet.controllers.cloud import GenericCloud
from k8snet.controllers.servicelb import install
from k8snet.i18n import Message, set_language, translate
from k8snet.sim.cluster import Cluster
from k8snet.sim.simulate import simulate
from k8snet.sim.trace import Outcome, trace, verdict_message, veth_name
from k8snet.sim.whatif import external_trace, what_if

#: English words of the model's sentences that a Chinese report must not keep.
ENGLISH_WORDS = re.compile(
    r"\b(delivered|candidates|chosen|seed|verdict|backend|sees|source|masqueraded|route|deliver|over|via|"
    r"gateway|trace|enters|note|dropped|connections|share|node|pod|client|LB|kept|outside|nothing|"
    r"SNATed|stickiness|entry)\b"
)
#: Where a report holds text it did not write: kube-proxy's rules (indented by 6), the executor's effects.
RULE_STEP = re.compile(
    r"^  \[[^\]]+\] (PREROUTING|FORWARD|POSTROUTING|OUTPUT|INPUT|prerouting|forward|postrouting|output|input) "
)


@pytest.fixture
def zh():
    """Renders a report in Chinese: ``zh(lambda: t.text())``; the language is restored whatever happens."""

    def render(call):
        set_language("zh_CN")
        try:
            return call()
        finally:
            set_language(None)

    set_language(None)
    try:
        yield render
    finally:
        set_language(None)


def _model_words(text: str, *names: str) -> list[str]:
    """English words left in a Chinese report, outside what kube-proxy and the executor wrote and the
    ``names`` (Pods, Services: they may well contain ``client`` or ``web``)."""
    left = []
    for line in text.splitlines():
        if line.startswith("      ") or RULE_STEP.match(line):
            continue  # a rule as kube-proxy writes it, or a rule step (hook table/chain: executor effect)
        for name in sorted(names, key=len, reverse=True):
            line = line.replace(name, "")
        left += ENGLISH_WORDS.findall(line)
    return left


@pytest.fixture(scope="module")
def two_nodes():
    """kind-like: two ``web`` Pods on two workers, a ``client`` Pod, a NodePort Service ``web``."""
    c = Cluster()
    c.kubectl("create deployment web --image=nginx --replicas=2 --port=8080")
    c.kubectl("expose deployment web --port=80 --target-port=8080 --type=NodePort")
    c.kubectl("run client --image=busybox")
    return c


def test_trace_text_across_nodes(two_nodes, zh):
    c = two_nodes
    t = trace(c, "default/client", "web:80")
    en, cn = t.text(), zh(t.text)
    o = t.chosen
    # the English report, as it always was
    assert en.splitlines()[-1] == f"verdict: delivered to pod {o.pod} ({o.endpoint}) on {o.node}"
    assert f"chosen (seed 0): {o.endpoint}" in en.splitlines()
    assert "candidates:" in en.splitlines()
    # the Chinese one: the model's words
    lines = cn.splitlines()
    assert lines[0].startswith(f"跟踪 TCP default/client（{t.source_ip}）-> {t.destination} [iptables]")
    assert lines[-1] == f"判定：已送达 Pod {o.pod}（{o.endpoint}），位于节点 {o.node}"
    assert "候选端点：" in lines and f"选中（种子 0）：{o.endpoint}" in lines
    assert f"无 SNAT：后端看到的源地址是 {t.source_ip}（客户端 Pod）" in lines
    assert f"  [{o.node}] 送达：经 {veth_name(o.pod)} 送往 Pod {o.pod}（{o.endpoint}）" in lines
    # every rule and every rule step as in the English report, in the same order
    assert [x for x in en.splitlines() if x.startswith("      ") or RULE_STEP.match(x)] == [
        x for x in lines if x.startswith("      ") or RULE_STEP.match(x)
    ]
    assert len(lines) == len(en.splitlines())
    assert _model_words(cn, "default/client", *(c.pod for c in t.candidates)) == []
    assert "delivered" not in cn and "verdict" not in cn


def test_trace_route_step_to_another_node(two_nodes, zh):
    c = two_nodes
    client_node = c.get("Pod", "client").spec.nodeName
    other = next(p for p in c.pods("default", {"app": "web"}) if p.spec.nodeName != client_node)
    t = trace(c, "default/client", f"{other.status.podIP}:8080")
    (route,) = [s for s in t.steps if s.hook == "route"]
    via = c.node_ip(other.spec.nodeName)
    assert (
        str(route)
        == f"[{client_node}] route: {other.status.podIP} via {other.spec.nodeName} ({via}) over eth0"
    )
    assert (
        zh(lambda: str(route))
        == f"[{client_node}] 路由：{other.status.podIP} 经 eth0 发往 {other.spec.nodeName}（{via}）"
    )
    # the step's data stays the English sentence
    assert zh(lambda: route.to_dict()) == route.to_dict()
    assert route.effect == f"{other.status.podIP} via {other.spec.nodeName} ({via}) over eth0"
    assert type(route.to_dict()["effect"]) is str


def test_masquerade_and_snat_text(two_nodes, zh):
    c = two_nodes
    nodes_with_web = {p.spec.nodeName for p in c.pods("default", {"app": "web"})}
    node = next(n.metadata.name for n in c.nodes() if n.metadata.name not in nodes_with_web)
    node_port = c.get("Service", "web").spec.ports[0].nodePort
    t = trace(c, "203.0.113.9", f"{c.node_ip(node)}:{node_port}")
    assert t.masquerade and t.verdict == "delivered"
    assert t.snat_text() == f"MASQUERADE: the backend sees source {t.source_seen} (node {node})"
    assert zh(t.snat_text) == f"MASQUERADE：后端看到的源地址是 {t.source_seen}（节点 {node}）"
    en, cn = t.text(), zh(t.text)
    assert en.count("  (masqueraded)") == cn.count("  （已伪装）") == len(t.candidates) == 2
    assert _model_words(cn) == []


def test_no_route_and_kube_proxy_verdicts(zh):
    c = Cluster(preset="minikube")
    outside = trace(c, "203.0.113.9", "10.96.0.10:53", protocol="UDP")
    assert outside.verdict_text().startswith(
        "no route: nothing outside the cluster routes 10.96.0.10 to a node"
    )
    cn = zh(outside.verdict_text)
    assert cn.startswith("无路由：集群外没有任何设备会把 10.96.0.10 路由到节点：ClusterIP 只存在于")
    assert "entry_node" in cn and "NodePort" in cn and "externalIP" in cn  # names stay
    assert zh(outside.snat_text) == "不涉及 SNAT（数据包未送达）"
    assert zh(outside.text).splitlines()[-1] == "判定：" + cn
    # the data is the English sentence in every language
    assert outside.reason == zh(lambda: outside.reason) and str(outside.reason).startswith("nothing outside")
    assert zh(outside.to_dict) == outside.to_dict()
    assert outside.to_dict()["verdict_text"] == outside.verdict_text()
    # nftables: REJECT as printed, with kube-proxy's comment
    rejected = trace(c, "minikube", "10.96.0.10:5353", mode="nftables")
    assert (
        zh(rejected.verdict_text)
        == rejected.verdict_text()
        == ("REJECT: Reject traffic to invalid ports of ClusterIPs")
    )


@pytest.fixture(scope="module")
def local_only():
    """``internalTrafficPolicy: Local``: the client's node has no endpoint of ``web``."""
    c = Cluster()
    c.kubectl("create deployment web --image=nginx --replicas=1 --port=8080")
    c.kubectl("expose deployment web --port=80 --target-port=8080")
    svc = c.get("Service", "web")
    svc.spec.internalTrafficPolicy = "Local"
    c.api.update(svc)
    c.reconcile()
    web_node = c.pods("default", {"app": "web"})[0].spec.nodeName
    other = next(n.metadata.name for n in c.nodes() if n.metadata.name != web_node)
    c.apply(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "client"},
            "spec": {"nodeName": other, "containers": [{"name": "c", "image": "busybox"}]},
        }
    )
    return c


def test_drop_reasons_by_mode(local_only, zh):
    c = local_only
    cluster_ip = c.get("Service", "web").spec.clusterIP
    # iptables: kube-proxy's comment, the same in both editions
    t = trace(c, "default/client", "web:80", mode="iptables")
    assert zh(t.verdict_text) == t.verdict_text() == "DROP: default/web has no local endpoints"
    # nftables: kube-proxy's comment on the map element, and the model's words around it
    t = trace(c, "default/client", "web:80", mode="nftables")
    assert t.verdict_text() == "DROP: default/web (element of @no-endpoint-services)"
    assert zh(t.verdict_text) == "DROP: default/web（@no-endpoint-services 的元素）"
    # IPVS: no comment explains it; the proxy mode's template (the model's words) does
    t = trace(c, "default/client", "web:80", mode="ipvs")
    assert t.verdict_text() == (
        f"REJECT: IPVS virtual server {cluster_ip}:80/TCP has no real server (ICMP port unreachable)"
    )
    assert (
        zh(t.verdict_text) == f"REJECT: IPVS 虚拟服务器 {cluster_ip}:80/TCP 没有真实服务器（ICMP 端口不可达）"
    )
    assert zh(lambda: t.reason) == t.reason and zh(t.to_dict) == t.to_dict()


def test_message_is_its_english_sentence(zh):
    m = Message("{verdict} by chain policy", verdict="DROP")
    assert m == "DROP by chain policy" and repr(m) == repr("DROP by chain policy") and hash(m) == hash(str(m))
    assert zh(lambda: translate(m)) == "DROP（来自链的默认策略）" and translate(m) == "DROP by chain policy"
    for kept in (copy.deepcopy(m), pickle.loads(pickle.dumps(m))):
        assert kept == m and zh(lambda k=kept: translate(k)) == "DROP（来自链的默认策略）"
    # a kube-proxy comment is no Message: shown as written
    assert zh(lambda: translate("default/web has no local endpoints")) == "default/web has no local endpoints"
    dropped = Outcome(Fraction(1), [], [], "DROP", m)
    assert verdict_message(dropped) == "DROP: DROP by chain policy"
    assert zh(lambda: translate(verdict_message(dropped))) == "DROP: DROP（来自链的默认策略）"


@pytest.fixture(scope="module")
def balanced():
    c = Cluster(cloud_provider=False)
    c.kubectl("create deployment nginx --image=nginx --port=80 --replicas=2")
    c.kubectl("expose deployment nginx --name=lb --port=80 --type=LoadBalancer")
    install(c, GenericCloud())
    return c


def test_external_trace_text(balanced, zh):
    et = external_trace(balanced, "lb")
    en, cn = et.text(), zh(et.text)
    lb = et.lb_address
    assert (
        en.splitlines()[0] == f"TCP 198.51.100.7 -> default/lb via generic load balancer {lb}:80 (ipMode VIP)"
    )
    assert (
        cn.splitlines()[0] == f"TCP 198.51.100.7 -> default/lb，经 generic 负载均衡器 {lb}:80（ipMode VIP）"
    )
    for b in et.backends:
        # the health check is an HTTP exchange, as the balancer saw it
        assert f"  节点 {b.node:<20} 份额 {str(b.share):>5}  {b.check}" in cn.splitlines()
    for p in et.paths:
        assert f"  Pod {p.pod}，位于 {p.pod_node}  （看到源地址 {p.source_seen}）" in cn
        assert f"客户端 198.51.100.7 -> 负载均衡器 {lb}:80" in cn
        assert f"负载均衡器 -> {p.node}，目的地址 " in cn and "（保留源地址）" in cn
    # the executor's DNAT lines are the same in both reports
    assert [x for x in en.splitlines() if "] DNAT to " in x] == [
        x for x in cn.splitlines() if "] DNAT to " in x
    ]
    assert len([x for x in cn.splitlines() if "] DNAT to " in x]) == len(et.paths) == 4  # 2 nodes x 2 Pods
    assert _model_words(cn.replace("DNAT to", "")) == []
    # the paths' data (hops, reasons) stays English
    assert zh(lambda: [p.hops for p in et.paths]) == [p.hops for p in et.paths]
    assert all(h.startswith(("client ", "LB -> ", "[")) for p in et.paths for h in p.hops)


def test_external_trace_firewall_drop(zh):
    c = Cluster(cloud_provider=False)
    c.kubectl("create deployment web --image=nginx --port=80")
    c.apply(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "web"},
            "spec": {
                "type": "LoadBalancer",
                "selector": {"app": "web"},
                "ports": [{"port": 80}],
                "loadBalancerSourceRanges": ["192.0.2.0/24"],
            },
        }
    )
    install(c, GenericCloud())
    et = external_trace(c, "web", client="198.51.100.7")
    (path,) = et.paths
    assert path.verdict == "DROP" and "loadBalancerSourceRanges" in path.reason
    cn = zh(et.text).splitlines()
    assert cn[1] == "100.00%  被负载均衡器的防火墙拦截（客户端不在 loadBalancerSourceRanges 中）"
    assert cn[2].strip() == f"客户端 198.51.100.7 -> 负载均衡器 {et.lb_address}:80：不允许"
    assert et.text().splitlines()[2].strip() == f"client 198.51.100.7 -> LB {et.lb_address}:80: not allowed"


def test_what_if_summary(zh):
    w = what_if(
        replicas=3, placement=["kind-worker", "kind-worker", "kind-worker2"], ready=[True, True, False]
    )
    en, cn = w.summary().splitlines(), zh(w.summary).splitlines()
    assert en[0] == f"generic LB {w.trace.lb_address}, externalTrafficPolicy Cluster"
    assert cn[0] == f"generic 负载均衡器 {w.trace.lb_address}，externalTrafficPolicy Cluster"
    assert len(en) == len(cn)
    for n, s in w.per_node.items():
        assert f"  node {n:<20} {float(s):6.1%}" in en and f"  节点 {n:<20} {float(s):6.1%}" in cn
    for p, s in w.per_pod.items():
        seen = ", ".join(w.sources_seen.get(p, [])) or "-"
        assert f"  pod  {p:<10} on {w.pod_nodes[p]:<14} {float(s):6.1%}  sees {seen}" in en
        assert f"  Pod  {p:<10} 位于 {w.pod_nodes[p]:<14} {float(s):6.1%}  看到源地址 {seen}" in cn
    assert _model_words("\n".join(cn)) == []


def test_simulation_text(balanced, zh):
    c = balanced
    r = simulate(c, ["203.0.113.9"], f"{c.get('Service', 'lb').spec.clusterIP}:80", 20)
    # nothing routes a ClusterIP from outside: every connection is dropped, and entered no node
    assert r.delivered == 0 and list(r.per_entry_node) == ["(none)"]
    (reason,) = r.drops
    en, cn = r.text().splitlines(), zh(r.text).splitlines()
    assert en[0] == f"20 connections to {r.destination} [iptables]: 0 delivered, 20 dropped"
    assert cn[0] == f"发往 {r.destination} 的 20 个连接 [iptables]：0 个送达，20 个被丢弃"
    assert f"dropped ({reason}): 20" in en and reason.startswith("no route: nothing outside the cluster")
    (drop_line,) = [x for x in cn if x.startswith("被丢弃（")]
    assert drop_line.startswith("被丢弃（无路由：集群外没有任何设备会把 ") and drop_line.endswith("）：20")
    # the shares' column stays aligned: （无） is six columns wide
    assert (
        "入口节点：" in cn
        and "  （无）" + " " * 38 + " 100.00%" in cn
        and "  (none)" + " " * 38 + " 100.00%" in en
    )
    assert "经过 SNAT：占已送达连接的 0.00%" in cn
    assert _model_words("\n".join(cn)) == []
    # the data: English keys, plain strings
    d = zh(r.to_dict)
    assert d == r.to_dict() and list(d["drops"]) == [str(reason)] and type(next(iter(d["drops"]))) is str
    assert list(d["per_entry_node"]) == ["(none)"]


def test_trace_diagram_drop_node(zh):
    pytest.importorskip("graphviz")
    from k8snet.views.flow import trace_diagram

    t = trace(Cluster(preset="minikube"), "203.0.113.9", "10.96.0.10:53", protocol="UDP")
    en, cn = trace_diagram(t).source, zh(lambda: trace_diagram(t).source)
    assert 'label="no route\nnothing outside the cluster routes 10.96.0.10' in en
    assert 'label="无路由\n集群外没有任何设备会把 10.96.0.10\n' in cn and "nothing outside" not in cn
