"""Tests for k8snet.compare.

Expected layouts come from upstream: kubectl tables are laid out by cli-runtime ``pkg/printers/tabwriter.go``
(minwidth 6, padding 3); ``kubectl get --raw`` list items carry no ``apiVersion``/``kind`` (kubectl adds them when
it prints); ``iptables-extensions(8)``, MARK target: ``--or-mark bits`` is a mnemonic for
``--set-xmark bits/bits`` and ``--xor-mark bits`` for ``--set-xmark bits/0``, and iptables-save prints the
``--set-xmark`` form; ``libxt_statistic.c`` saves the probability with ``%.11f`` of the kernel's 32-bit fraction;
``iptables-save`` writes ``-d 10.96.0.1/32`` where kube-proxy wrote ``-d 10.96.0.1``.
"""

from __future__ import annotations

import json

import pytest

from k8snet.compare import (
    canonical_iptables,
    diff_iptables,
    diff_outputs,
    kube_proxy_rules,
    load_cluster_dump,
    normalize,
    normalize_describe,
    normalize_table,
    prune_unknown_fields,
    sample_dump,
    sample_iptables_save,
    split_table,
)
from k8snet.errors import ManifestError

GET_SVC_PODS = """\
NAME                 TYPE        CLUSTER-IP     EXTERNAL-IP   PORT(S)        AGE
service/kubernetes   ClusterIP   10.96.0.1      <none>        443/TCP        3d
service/web          NodePort    10.96.14.201   <none>        80:31234/TCP   5m

NAME                       READY   STATUS    RESTARTS     AGE
pod/web-6d4cf56db6-8xkzp   1/1     Running   0            5m
pod/web-6d4cf56db6-q2lwn   1/1     Running   2 (1m ago)   5m
"""


def test_split_table_reads_several_tables():
    tables = split_table(GET_SVC_PODS)
    assert [h for h, _ in tables] == [
        ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"],
        ["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
    ]
    assert tables[0][1][1] == ["service/web", "NodePort", "10.96.14.201", "<none>", "80:31234/TCP", "5m"]
    assert tables[1][1][1][3] == "2 (1m ago)"


def test_split_table_keeps_header_names_with_single_spaces():
    text = (
        "NAME   READY   STATUS    RESTARTS   AGE   IP           NODE          NOMINATED NODE   READINESS GATES\n"
        "web    1/1     Running   0          1m    10.244.1.2   kind-worker   <none>           <none>\n"
    )
    ((headers, rows),) = split_table(text)
    assert headers[-2:] == ["NOMINATED NODE", "READINESS GATES"]
    assert rows == [["web", "1/1", "Running", "0", "1m", "10.244.1.2", "kind-worker", "<none>", "<none>"]]


def test_normalize_table_blanks_allocated_values_and_relays_out():
    assert (
        normalize_table(GET_SVC_PODS)
        == """\
NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)             AGE
service/kubernetes   ClusterIP   <ip>         <none>        443/TCP             <age>
service/web          NodePort    <ip>         <none>        80:<nodePort>/TCP   <age>

NAME                      READY   STATUS    RESTARTS   AGE
pod/web-<hash>-<suffix>   1/1     Running   <age>      <age>
pod/web-<hash>-<suffix>   1/1     Running   <age>      <age>
"""
    )


def test_normalize_table_blanks_endpoint_lists_and_ipv6():
    text = (
        "NAME   ENDPOINTS                                     AGE\n"
        "web    10.244.1.2:80,[fd00:10:244::3]:80 + 1 more...   1h\n"
    )
    assert split_table(normalize_table(text))[0][1] == [["web", "<ip>:80,[<ip>]:80 + 1 more...", "<age>"]]


def test_normalize_table_leaves_user_names_alone():
    text = "NAME        TYPE\nweb-front   ClusterIP\nnginx-svc   ClusterIP\n"
    assert [r[0] for r in split_table(normalize_table(text))[0][1]] == ["nginx-svc", "web-front"]


def _relayout(text: str) -> str:
    """Lay ``text``'s tables out again as kubectl would (after editing cells)."""
    from k8snet.kubectl.tabwriter import kubectl_get_writer

    w, out = kubectl_get_writer(), []
    for i, (headers, rows) in enumerate(split_table(text)):
        if i:
            out += [w.flush(), "\n"]
        w.set_remembered_widths(None)
        w.write("".join("\t".join(r) + "\n" for r in [headers] + rows))
    return "".join(out) + w.flush()


def test_relayout_reproduces_kubectl_layout():
    assert _relayout(GET_SVC_PODS) == GET_SVC_PODS


def test_diff_outputs_is_empty_when_only_allocations_differ():
    theirs = _relayout(
        GET_SVC_PODS.replace("10.96.14.201", "10.104.3.9  ")
        .replace("31234", "30777")
        .replace("8xkzp", "zz5mb")
        .replace("3d\n", "41s\n")
    )
    assert theirs != GET_SVC_PODS
    assert diff_outputs(GET_SVC_PODS, theirs) == ""


def test_diff_outputs_shows_a_real_difference():
    theirs = GET_SVC_PODS.replace("NodePort    10.96.14.201", "ClusterIP   10.96.14.201")
    diff = diff_outputs(GET_SVC_PODS, theirs)
    assert diff.startswith("--- k8snet\n+++ cluster\n")
    assert "-service/web          NodePort" in diff and "+service/web          ClusterIP" in diff


DESCRIBE = """\
Name:                     web
Namespace:                default
Selector:                 app=web
Type:                     NodePort
IP:                       10.96.14.201
IPs:                      10.96.14.201
Port:                     <unset>  80/TCP
TargetPort:               80/TCP
NodePort:                 <unset>  31234/TCP
Endpoints:                10.244.1.2:80,10.244.2.2:80
Session Affinity:         None
External Traffic Policy:  Cluster
Events:
  Type    Reason  Age   From                Message
  ----    ------  ----  ----                -------
  Normal  Type    12s   service-controller  ClusterIP -> NodePort
"""


def test_normalize_describe_blanks_allocations_and_aligns_values():
    out = normalize_describe(DESCRIBE).splitlines()
    assert out[4:10] == [
        "IP:  <ip>",
        "IPs:  <ip>",
        "Port:  <unset>  80/TCP",
        "TargetPort:  80/TCP",
        "NodePort:  <unset>  <nodePort>/TCP",
        "Endpoints:  <ip>:80,<ip>:80",
    ]
    assert out[-1] == "  Normal  Type  <age>  service-controller  ClusterIP -> NodePort"


def test_normalize_describe_ignores_label_width():
    narrow = "Name:  web\nSelector:  app=web\nEvents:  <none>\n"
    wide = (
        "Name:                     web\nSelector:                 app=web\nEvents:                   <none>\n"
    )
    assert normalize_describe(narrow) == normalize_describe(wide) == narrow


def test_normalize_dispatches_on_the_first_line():
    assert normalize(GET_SVC_PODS) == normalize_table(GET_SVC_PODS)
    assert normalize(DESCRIBE) == normalize_describe(DESCRIBE)


# --- load_cluster_dump ------------------------------------------------------------------------------------------


def _svc(**extra):
    item = {
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "clusterIP": "10.96.0.20",
            "ports": [{"port": 80, "protocol": "TCP", "targetPort": 80}],
            "type": "ClusterIP",
        },
        "status": {"loadBalancer": {}},
    }
    item.update(extra)
    return item


def test_load_raw_list_fills_kind_and_api_version():
    raw = {"kind": "ServiceList", "apiVersion": "v1", "metadata": {"resourceVersion": "1"}, "items": [_svc()]}
    (svc,) = load_cluster_dump(json.dumps(raw))
    assert (svc.kind, svc.apiVersion, svc.metadata.name, svc.spec.ports[0].targetPort) == (
        "Service",
        "v1",
        "web",
        80,
    )


def test_load_raw_endpointslice_list_uses_its_group():
    raw = {
        "kind": "EndpointSliceList",
        "apiVersion": "discovery.k8s.io/v1",
        "metadata": {},
        "items": [
            {
                "metadata": {"name": "web-abcde", "namespace": "default"},
                "addressType": "IPv4",
                "endpoints": [{"addresses": ["10.244.1.2"], "conditions": {"ready": True}}],
                "ports": [{"name": "", "port": 80, "protocol": "TCP"}],
            }
        ],
    }
    (eps,) = load_cluster_dump(raw)
    assert eps.kind == "EndpointSlice" and eps.endpoints[0].addresses == ["10.244.1.2"]


def test_load_single_object_and_mixed_list():
    single = dict(_svc(), apiVersion="v1", kind="Service")
    assert [o.kind for o in load_cluster_dump(json.dumps(single))] == ["Service"]
    mixed = {
        "apiVersion": "v1",
        "kind": "List",
        "metadata": {"resourceVersion": ""},
        # a kind k8snet does not model (ConfigMaps are modelled since issue 12)
        "items": [
            single,
            {"apiVersion": "storage.k8s.io/v1", "kind": "CSIDriver", "metadata": {"name": "csi"}},
        ],
    }
    dump = load_cluster_dump(mixed)
    assert [o.kind for o in dump] == ["Service"]
    assert dump.dropped == ["CSIDriver csi: not modelled by k8snet"]


def test_unknown_fields_are_dropped_and_listed_unless_strict():
    doc = dict(_svc(), apiVersion="v1", kind="Service")
    doc["spec"]["ports"][0]["futureField"] = True
    dump = load_cluster_dump(doc)
    assert dump.dropped == ["Service default/web: spec.ports[0].futureField"]
    with pytest.raises(ManifestError, match='unknown field "spec.ports\\[0\\].futureField"'):
        load_cluster_dump(doc, strict=True)


def test_prune_keeps_free_form_maps():
    doc = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p", "labels": {"a": "b"}},
        "spec": {
            "containers": [{"name": "c", "resources": {"limits": {"cpu": "1"}}}],
            "volumes": [{"name": "v", "projected": {"sources": []}}],
        },
    }
    pruned, dropped = prune_unknown_fields(doc)
    assert dropped == [] and pruned == doc


def test_sample_dump_prints_like_kubectl():
    from datetime import datetime, timezone

    from k8snet.kubectl import get_table

    dump = load_cluster_dump(sample_dump())
    assert dump.dropped == [
        f"Pod default/{n}: status.containerStatuses[0].volumeMounts"
        for n in ("nginx-5869d7778c-7q8xk", "nginx-5869d7778c-dz4wm")
    ]
    table = get_table(
        [o for o in dump if o.kind == "Service"], now=datetime(2026, 1, 1, 0, 10, tzinfo=timezone.utc)
    )
    headers, rows = split_table(table)[0]
    assert [r[0] for r in rows] == ["kubernetes", "nginx-svc", "nodeport-svc"]
    assert rows[2][headers.index("PORT(S)")] == "80:30000/TCP" and rows[2][-1] == "4m30s"


# --- iptables -----------------------------------------------------------------------------------------------------

RESTORE = """*nat
:KUBE-SERVICES - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-SVC-X - [0:0]
-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000
-A KUBE-SERVICES -m comment --comment "ns/svc:p80 cluster IP" -m tcp -p tcp -d 10.96.0.10 --dport 80 -j KUBE-SVC-X
-A KUBE-SVC-X -m comment --comment "ns/svc:p80 -> 10.244.1.2:80" -m statistic --mode random --probability 0.3333333333 -j KUBE-SEP-A
COMMIT
"""

SAVE = """# Generated by iptables-save v1.8.9 (nf_tables) on Thu Jan  1 00:00:00 2026
*nat
:PREROUTING ACCEPT [5:300]
:DOCKER_OUTPUT - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-SVC-X - [0:0]
:KUBE-PROXY-CANARY - [0:0]
-A PREROUTING -d 172.18.0.1/32 -j DOCKER_OUTPUT
-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
-A KUBE-SERVICES -d 10.96.0.10/32 -p tcp -m comment --comment "ns/svc:p80 cluster IP" -m tcp --dport 80 -j KUBE-SVC-X
-A KUBE-SVC-X -m comment --comment "ns/svc:p80 -> 10.244.1.2:80" -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-A
COMMIT
# Completed on Thu Jan  1 00:00:00 2026
"""


def test_kube_proxy_rules_drops_other_owners_and_counters():
    kept = kube_proxy_rules(SAVE)
    assert "DOCKER" not in kept and "#" not in kept and ":PREROUTING" not in kept
    assert kept.splitlines()[0] == "*nat" and kept.splitlines()[-1] == "COMMIT"


def test_restore_input_and_save_output_of_the_same_rules_agree():
    assert canonical_iptables(RESTORE) == canonical_iptables(SAVE)
    assert diff_iptables(RESTORE, SAVE) == ""


def test_xor_mark_is_set_xmark_with_zero_mask():
    a = "*nat\n:KUBE-POSTROUTING - [0:0]\n-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000\nCOMMIT\n"
    b = "*nat\n:KUBE-POSTROUTING - [0:0]\n-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0\nCOMMIT\n"
    assert diff_iptables(a, b) == ""


def test_rule_order_within_a_chain_matters():
    swapped = RESTORE.replace(
        '-A KUBE-SVC-X -m comment --comment "ns/svc:p80 -> 10.244.1.2:80" -m statistic --mode random '
        "--probability 0.3333333333 -j KUBE-SEP-A",
        "-A KUBE-SVC-X -j KUBE-SEP-B\n"
        '-A KUBE-SVC-X -m comment --comment "ns/svc:p80 -> 10.244.1.2:80" -m statistic --mode random '
        "--probability 0.3333333333 -j KUBE-SEP-A",
    )
    diff = diff_iptables(swapped, SAVE)
    assert "--A KUBE-SVC-X -j KUBE-SEP-B" in diff


def _rules_for(dump, node: str, ip: str) -> str:
    from k8snet.proxy import ProxierSettings, base_jump_rules, render_iptables

    settings = ProxierSettings(hostname=node, node_ips=[ip], cluster_cidr="10.244.0.0/16")
    return base_jump_rules(render_iptables(dump, dump, settings))


def test_sample_node_dump_matches_the_rendering_for_its_node_only():
    dump = load_cluster_dump(sample_dump())
    assert diff_iptables(_rules_for(dump, "kind-worker", "172.18.0.3"), sample_iptables_save()) == ""
    diff = diff_iptables(_rules_for(dump, "kind-worker2", "172.18.0.4"), sample_iptables_save())
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    svl = '-A KUBE-SVL-FDIGUWRAAKMFZSYO --comment "default/nodeport-svc -> {}" -j {}'
    assert changed == [
        "-" + svl.format("10.244.2.2:80", "KUBE-SEP-4IZBABZPE6WCVKXM"),
        "+" + svl.format("10.244.1.2:80", "KUBE-SEP-TWFJYETR3Y3NRAUD"),
    ]
