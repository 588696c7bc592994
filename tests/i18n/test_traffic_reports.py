"""The traffic reports and ``explain`` in Chinese (issue 16): the model's own words are translated, every literal
(node and Pod names, addresses, ports, shares, HTTP paths and status codes, chain names, kube-proxy's rule
comments, field names) is exactly that of the English rendering, and the English rendering is unchanged.

Each test renders the same real model case twice, in English and with ``set_language("zh_CN")``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from k8snet.i18n import Message, message, set_language, translate

FIXTURES = Path(__file__).resolve().parents[1] / "dataplane" / "fixtures"

#: Latin words the Chinese renderings may contain: names, notation and tools (not English prose).
_LATIN_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9_./:-]*")


@pytest.fixture
def both():
    """``both(render)``: ``render()`` in English, then in Chinese (the language is restored afterwards)."""

    def run(render):
        set_language("en")
        try:
            en = render()
            set_language("zh_CN")
            zh = render()
        finally:
            set_language(None)
        return en, zh

    return run


def _literals(text: str) -> list[str]:
    """Addresses, ports, shares and counts: every run of digits with its dots, colons, slashes and percent sign."""
    return re.findall(r"\d[\d.:/%]*", text)


def _lb_cluster():
    from k8snet.controllers.cloud import GenericCloud
    from k8snet.controllers.servicelb import install
    from k8snet.data import article_manifest
    from k8snet.sim.cluster import Cluster

    c = Cluster(cloud_provider=False)
    c.kubectl("create deployment nginx --image=nginx --replicas=3 --port=80")
    c.apply(article_manifest("loadbalancer-svc"))
    install(c, GenericCloud())
    return c


# --- sim.traffic --------------------------------------------------------------------------------------------------


def test_nodeport_text_in_chinese(both):
    from k8snet.sim.traffic import nodeport_text
    from k8snet.views.traffic import nodeport_explorer_entries

    local = nodeport_explorer_entries("Local", 3, "spread")
    cluster = nodeport_explorer_entries("Cluster", 3, "spread")
    en, zh = both(lambda: nodeport_text(local) + "\n" + nodeport_text(cluster))
    assert en.splitlines()[:2] == [
        "client -> kind-control-plane 172.18.0.2:30000",
        "  dropped 100%  (DROP: default/nodeport-svc has no local endpoints)",
    ]
    assert "     50%  pod nginx-0 on kind-worker, sees source 198.51.100.7" in en.splitlines()
    assert zh.splitlines()[:2] == [
        "客户端 -> kind-control-plane 172.18.0.2:30000",
        "  丢弃 100%（DROP: default/nodeport-svc has no local endpoints）",
    ]
    assert "     50%  Pod nginx-0 位于 kind-worker，看到的源地址为 198.51.100.7" in zh.splitlines()
    # the same lines, the same literals; the drop's reason is kube-proxy's rule comment, kept as written
    assert len(en.splitlines()) == len(zh.splitlines()) and _literals(en) == _literals(zh)
    for word in ("client", "dropped", "sees", "source", " on "):
        assert word not in zh


def test_health_checks_in_chinese(both):
    from k8snet.sim.traffic import health_check_results, health_checks

    c = _lb_cluster()
    en, zh = both(lambda: health_checks(c, "loadbalancer-svc"))
    results = health_check_results(c, "loadbalancer-svc")
    port = c.get("Service", "loadbalancer-svc").spec.healthCheckNodePort
    assert [(r.node, r.status, r.weight) for r in results] == [
        ("kind-control-plane", 503, "0"),
        ("kind-worker", 200, "2"),
        ("kind-worker2", 200, "1"),
    ]
    for r, en_line, zh_line in zip(results, en.splitlines(), zh.splitlines(), strict=True):
        assert r.url == f"http://{c.node_ip(r.node)}:{port}/healthz"
        head = f"GET {r.url:<36} {r.status}  X-Load-Balancing-Endpoint-Weight: {r.weight}   "
        assert en_line == head + f"({r.node})"
        assert zh_line == head + f"（节点 {r.node}）"


def test_health_check_connection_refused_in_chinese(both):
    # a port nothing listens on (kube-proxy's health servers answer only their own ports): the rendering of
    # such a result, with the results replaced by the probe's answer for port 1
    from unittest import mock

    from k8snet.proxy.healthcheck import node_health_servers, probe
    from k8snet.sim import traffic

    c = _lb_cluster()
    servers = node_health_servers(c.nodes(), c.services(), c.endpoint_slices(), now=c.clock.now)
    assert all(probe(servers[node], 1) is None for node in servers)
    refused = [
        traffic.HealthCheckResult(n, f"http://{c.node_ip(n)}:1/healthz", None) for n in sorted(servers)
    ]
    with mock.patch.object(traffic, "health_check_results", return_value=refused):
        en, zh = both(lambda: traffic.health_checks(c, "loadbalancer-svc"))
    assert en.splitlines()[0] == f"GET {'http://172.18.0.2:1/healthz':<36} connection refused"
    assert zh.splitlines()[0] == f"GET {'http://172.18.0.2:1/healthz':<36} 连接被拒绝"


def test_kube_proxy_health_in_chinese(both):
    from k8snet.i18n import display_width
    from k8snet.sim.traffic import kube_proxy_health, kube_proxy_health_rows

    c = _lb_cluster()
    c.kubectl("taint nodes kind-worker2 ToBeDeletedByClusterAutoscaler=1767225600:NoSchedule")
    en, zh = both(lambda: kube_proxy_health(c))
    assert [(h.node, h.healthz, h.livez, h.node_eligible) for h in kube_proxy_health_rows(c)] == [
        ("kind-control-plane", 200, 200, True),
        ("kind-worker", 200, 200, True),
        ("kind-worker2", 503, 200, False),
    ]
    assert en.splitlines()[0].split() == ["NODE", "/healthz", "/livez", "nodeEligible"]
    assert zh.splitlines()[0].split() == ["节点", "/healthz", "/livez", "nodeEligible"]
    assert en.splitlines()[1:] == zh.splitlines()[1:]
    # the columns line up on screen: "节点" takes as many columns as "NODE"
    assert display_width(zh.splitlines()[0]) == len(en.splitlines()[0])


# --- views.traffic ----------------------------------------------------------------------------------------------


def test_lb_explorer_text_in_chinese(both):
    from k8snet.sim.traffic import lb_what_if
    from k8snet.views.traffic import lb_providers_explorer, lb_summary, lb_traffic_explorer

    w = lb_what_if("Cluster", 3, "spread")
    en, zh = both(lambda: lb_summary(w))
    assert en.splitlines()[0] == "generic load balancer 203.0.113.1:80, externalTrafficPolicy Cluster"
    assert zh.splitlines()[0] == "generic 负载均衡器 203.0.113.1:80，externalTrafficPolicy Cluster"
    assert "  pod  web-0   on kind-worker    33.3%  sees 172.18.0.3, 172.18.0.4" in en.splitlines()
    assert "  Pod  web-0   位于 kind-worker    33.3%  看到 172.18.0.3, 172.18.0.4" in zh.splitlines()
    assert _literals(en) == _literals(zh) and "GET :10256/healthz -> 200" in zh
    for word in ("load balancer", "share", "sees", " on ", "node "):
        assert word not in zh
    # the explorers show it, in the language of the moment
    en_ex, zh_ex = both(
        lambda: lb_traffic_explorer().outcome(placement="spread", replicas=3, policy="Cluster").text
    )
    assert (en_ex, zh_ex) == (en, zh)
    en_p, zh_p = both(lambda: lb_providers_explorer().outcome(provider="proxy", policy="Local").text)
    assert "sees 198.51.100.10" in en_p and "看到 198.51.100.10" in zh_p and "sees" not in zh_p


def test_load_balancer_checks_in_chinese(both):
    """A backend's check is the model's sentence (MetalLB's announcement, a refused probe): translated where a
    report shows it, English as data (the diagrams read the probe's status from it)."""
    from k8snet.views.traffic import lb_providers_explorer

    en, zh = both(lambda: lb_providers_explorer().outcome(provider="metallb", policy="Cluster").text)
    announce = re.search(r"announces (\S+) \(ARP\)", en)
    assert announce, en
    assert f"宣告 {announce.group(1)}（ARP）" in zh and "announces" not in zh
    assert _literals(en) == _literals(zh)

    from k8snet.api.core_v1 import Service
    from k8snet.controllers.cloud import GenericCloud

    svc = Service.model_validate(
        {
            "metadata": {"name": "lb", "namespace": "default"},
            "spec": {"type": "LoadBalancer", "externalTrafficPolicy": "Local", "healthCheckNodePort": 32000},
        }
    )
    healthy, check = GenericCloud().health(svc, "node-1", lambda node, port, path: None)  # nothing listens
    assert not healthy and check == "GET :32000/healthz: connection refused"
    assert both(lambda: translate(check)) == (check, "GET :32000/healthz：连接被拒绝")


def test_session_affinity_table_in_chinese(both):
    from k8snet.i18n import display_width
    from k8snet.views.traffic import session_affinity_explorer

    en, zh = both(
        lambda: session_affinity_explorer().outcome(mode="iptables", affinity="ClientIP", timeout=10).text
    )
    assert en.splitlines()[0] == "  time    gap  endpoint            pod     same as previous"
    assert zh.splitlines()[0].split() == ["时间", "间隔", "端点", "Pod", "与上次相同"]
    # the headings sit over their columns as in English
    assert display_width(zh.splitlines()[0].split("与上次相同")[0]) == len(
        en.splitlines()[0].split("same")[0]
    )
    for en_row, zh_row in zip(en.splitlines()[1:], zh.splitlines()[1:], strict=True):
        words = en_row.split()
        # every column but the last is the same; "same as previous" is 是/否 (empty for the first connection)
        if len(words) == 5:
            assert zh_row.split() == [*words[:4], {"yes": "是", "no": "否"}[words[4]]]
        else:
            assert zh_row == en_row
    assert "yes" in en and "yes" not in zh and "no" not in zh


def test_rules_side_by_side_labels_in_chinese(both):
    from k8snet.views.traffic import modes_cluster, rules_side_by_side

    en, zh = both(lambda: rules_side_by_side(modes_cluster(), "web", node="kind-worker", modes=("iptables",)))
    assert 'aria-label="iptables rules"' in en and 'aria-label="iptables 规则"' in zh
    assert en.replace("iptables rules", "iptables 规则") == zh  # the rules themselves are identical


# --- explain ----------------------------------------------------------------------------------------------------


def test_explain_iptables_report_in_chinese(both):
    from k8snet.dataplane.explain import explain

    e = explain((FIXTURES / "overall.iptables").read_text())
    en, zh = both(e.text)
    assert "  cluster IP 172.30.0.41:80/tcp -> KUBE-SVC-XPGD46QRK7WJZT7O" in en.splitlines()
    assert "  集群 IP 172.30.0.41:80/tcp -> KUBE-SVC-XPGD46QRK7WJZT7O" in zh.splitlines()
    assert "    KUBE-SEP-SXIVWICOYRO3J4NJ  端点  10.180.0.1:80  100.0%" in zh.splitlines()
    assert "  KUBE-SVC-NUKIZ6OKUXPJNT4C  Service 链  （会话亲和性 10800s）" in zh.splitlines()
    # kube-proxy's own comment texts stay as it writes them
    assert "  has no local endpoints 1.2.3.4:80/tcp -> DROP (filter)" in zh.splitlines()
    assert zh.splitlines()[-1] == "读取的格式：iptables-save（95 行）。"
    # every chain name, Service port name, address and share of the English report, in the same order
    chains = re.compile(r"KUBE-[A-Z0-9-]+|ns\d/svc\d:p80")
    assert chains.findall(en) == chains.findall(zh) and _literals(en) == _literals(zh)
    for word in ("cluster IP", "external IP", "endpoint ", "service", "session affinity", "Read as"):
        assert word not in zh
    # the data is English whatever the language
    set_language("zh_CN")
    try:
        assert explain((FIXTURES / "overall.iptables").read_text()).to_dict() == e.to_dict()
    finally:
        set_language(None)


def test_explain_partial_input_in_chinese(both):
    from k8snet.dataplane.explain import explain

    e = explain(
        "  -A KUBE-SEP-SXIVWICOYRO3J4NJ -s 10.180.0.1/32 -j KUBE-MARK-MASQ\n"
        "  -A KUBE-SEP-SXIVWICOYRO3J4NJ -p tcp -m tcp -j DNAT --to-destination 10.180.0.1:80\n"
    )
    en, zh = both(e.text)
    assert zh.splitlines() == [
        "（输入中没有指明 Service 端口）",
        "  输入中没有 Service 链的端点：",
        "    KUBE-SEP-SXIVWICOYRO3J4NJ  端点  10.180.0.1:80",
        "",
        "读取的格式：规则行（2 行）。",
        '注：没有 "*table" 行的链按推断归入的表：KUBE-SEP-SXIVWICOYRO3J4NJ 在 nat',
        "未归属（2 行）：",
        "  第 1 行：-A KUBE-SEP-SXIVWICOYRO3J4NJ -s 10.180.0.1/32 -j KUBE-MARK-MASQ",
        "    KUBE-SEP-SXIVWICOYRO3J4NJ：输入中没有注释指明它的 Service 端口",
        "  第 2 行：-A KUBE-SEP-SXIVWICOYRO3J4NJ -p tcp -m tcp -j DNAT --to-destination 10.180.0.1:80",
        "    KUBE-SEP-SXIVWICOYRO3J4NJ：输入中没有注释指明它的 Service 端口",
    ]
    assert en.splitlines()[4] == "Read as rule lines (2 lines)."
    en_w, zh_w = both(e.warnings_text)
    assert (
        en_w.splitlines()
        == list(e.warnings)
        == [
            "1 chain has no owner in the input (its comments were cut or never written): KUBE-SEP-SXIVWICOYRO3J4NJ",
            "2 line(s) not attributed (listed in the output)",
        ]
    )
    assert zh_w.splitlines() == [
        "1 条链在输入中没有所属（它们的注释被截掉了或从未写入）：KUBE-SEP-SXIVWICOYRO3J4NJ",
        "2 行未归属（已在输出中列出）",
    ]


def test_explain_listing_nft_and_ipvs_in_chinese(both):
    from k8snet.dataplane.explain import explain

    listing = (
        "$ sudo iptables -t nat -L KUBE-SVC-HL5LMXD5JFHQZ6LN -n\n"
        "Chain KUBE-SVC-HL5LMXD5JFHQZ6LN (1 references)\n"
        "target     prot opt source               destination\n"
        "KUBE-SEP-SADCJIHRQW7RJ62U  all  --  0.0.0.0/0            0.0.0.0/0            "
        "/* default/nginx-svc -> 10.244.1.2:80 */ statistic mode random probability 0.50000000000\n"
        "KUBE-SEP-QX4RFH7MAHSLU35M  all  --  0.0.0.0/0            0.0.0.0/0            "
        "/* default/nginx-svc -> 10.244.2.2:80 */\n"
    )
    en, zh = both(explain(listing).text)
    assert "    KUBE-SEP-SADCJIHRQW7RJ62U  endpoint  10.244.1.2:80  50.0%  (chain not in the input)" in en
    assert "    KUBE-SEP-SADCJIHRQW7RJ62U  端点  10.244.1.2:80  50.0%  （输入中没有这条链）" in zh
    assert "读取的格式：iptables -L（表 nat，取自命令）" in zh and "(table nat, from the command)" in en
    assert "注：已略过的命令行：sudo iptables -t nat -L KUBE-SVC-HL5LMXD5JFHQZ6LN -n" in zh

    ruleset = (
        "table ip kube-proxy {\n"
        "\tchain service-BJ2VXQ6Y-default/nginx-svc/tcp/ {\n"
        "\t\tip daddr 10.104.62.93 tcp dport 80 ip saddr != 10.244.0.0/16 jump mark-for-masquerade\n"
        "\t\tnumgen random mod 2 vmap { 0 : goto endpoint-3YHE5BDA-default/nginx-svc/tcp/__10.244.1.2/80, "
        "1 : goto endpoint-V7PZJ3EE-default/nginx-svc/tcp/__10.244.2.2/80 }\n"
        "\t}\n"
        "}\n"
    )
    en, zh = both(explain(ruleset).text)
    assert "service-BJ2VXQ6Y-default/nginx-svc/tcp/  Service 链" in zh and "  service\n" not in zh
    assert _literals(en) == _literals(zh)

    ipvs = (
        "TCP  10.104.62.93:80 rr persistent 10800\n"
        "  -> 10.244.1.2:80                Masq    1      0          0\n"
        "  -> 10.244.2.2:80                Masq    0      3          12\n"
        "TCP  10.0.0.1:31000\n"
    )
    e = explain(ipvs)
    en, zh = both(e.text)
    assert "  virtual server (rr, persistent 10800s)" in en.splitlines()
    assert "  虚拟服务器（rr, 持久连接 10800s）" in zh.splitlines()
    assert "    10.244.2.2:80  0.0%  （权重 0：不接收新连接（正在终止或已静默））" in zh.splitlines()
    assert "    not an ipvsadm line" in en.splitlines() and "    不是 ipvsadm 的输出行" in zh.splitlines()
    assert (
        "注：IPVS 不保存 Service 名称：每个虚拟服务器以其地址命名（可用 kubectl get svc -A -o wide 对照）"
        in zh
    )
    for word in ("virtual server", "weight", "Note:", "Read as", "not an"):
        assert word not in zh


def test_explain_data_stays_english_and_serializable():
    from k8snet.dataplane.explain import explain

    e = explain((FIXTURES / "overall.iptables").read_text() + "garbage line\n")
    data = e.to_dict()
    set_language("zh_CN")
    try:
        assert json.loads(json.dumps(e.to_dict())) == json.loads(json.dumps(data))
        assert all(isinstance(w, str) and not re.search(r"[\u4e00-\u9fff]", w) for w in e.warnings)
    finally:
        set_language(None)


def test_message_is_its_english_text():
    m = message("{n} line(s) not attributed", n=3)
    assert isinstance(m, Message) and m == "3 line(s) not attributed" and str(m) == m
    assert json.dumps([m]) == '["3 line(s) not attributed"]'
    set_language("zh_CN")
    try:
        assert translate(m) == "3 line(s) not attributed"  # a template not in the catalog stays English
        assert translate(message("not an ipvsadm line")) == "不是 ipvsadm 的输出行"
        assert translate("not an ipvsadm line") == "not an ipvsadm line"  # a plain string is data
    finally:
        set_language(None)
