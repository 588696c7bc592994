"""Tests for k8snet.notebook: the chapters' shared checks are as strict as kubectl's layout, and the magics load."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from IPython.core.formatters import SVGFormatter

from k8snet import notebook
from k8snet.sim.cluster import Cluster

# kubectl's tabwriter: minimum width 6, padding 3, last column unpadded
GOOD = (
    "NAME         TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n"
    "kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   5s\n"
)


def test_kubectl_table_reads_rows():
    assert notebook.kubectl_table(GOOD, notebook.SERVICE_COLUMNS) == [
        {
            "NAME": "kubernetes",
            "TYPE": "ClusterIP",
            "CLUSTER-IP": "10.96.0.1",
            "EXTERNAL-IP": "<none>",
            "PORT(S)": "443/TCP",
            "AGE": "5s",
        }
    ]


def test_kubectl_table_rejects_other_headers_and_layouts():
    with pytest.raises(AssertionError, match="CLUSTER-IP"):
        notebook.kubectl_table(GOOD, notebook.ENDPOINTS_COLUMNS)
    with pytest.raises(AssertionError):  # one space too many after a column
        notebook.kubectl_table(GOOD.replace("ClusterIP   10", "ClusterIP    10"), notebook.SERVICE_COLUMNS)


def test_kubectl_table_on_the_model_output():
    c = Cluster()
    rows = notebook.kubectl_table(c.kubectl("get nodes -o wide"), notebook.NODE_WIDE_COLUMNS)
    assert [r["NAME"] for r in rows] == ["kind-control-plane", "kind-worker", "kind-worker2"]


def test_load_ext_registers_magics_and_diagrams():
    registered = []
    svg = SVGFormatter()
    shell = SimpleNamespace(
        register_magic_function=lambda f, magic_kind, magic_name: registered.append((magic_kind, magic_name)),
        display_formatter=SimpleNamespace(formatters={"image/svg+xml": svg}),
    )
    notebook.load_ipython_extension(shell)
    assert registered == [("line", "kubectl"), ("cell", "kubectl_apply")]
    assert ("k8snet.sim.trace", "Trace") in svg.deferred_printers


def test_kubectl_magic_prints_like_a_shell_and_keeps_the_exit_status(monkeypatch, capsys):
    scratch, cluster = Cluster(preset="article"), Cluster(preset="article")
    monkeypatch.setattr(
        notebook, "_ipython", lambda: SimpleNamespace(user_ns={"cluster": cluster, "s": scratch})
    )
    notebook.use(None, register=False)
    notebook.kubectl("run nginx --image=nginx --port=80 --context=s")  # kubectl's own --context flag
    assert capsys.readouterr() == ("pod/nginx created\n", "")
    notebook.kubectl("expose deployment nginx --name=nginx-svc --context s")
    out, err = capsys.readouterr()
    # the API server's NotFound as kubectl prints it on stderr; no traceback; kubectl exits 1 (cmdutil.CheckErr)
    assert (out, err) == ("", 'Error from server (NotFound): deployments.apps "nginx" not found\n')
    assert notebook.last().exit_code == 1 and notebook.last().stderr == err
    notebook.kubectl("get pods")  # the notebook's `cluster` by default: no Pods there
    assert capsys.readouterr() == ("", "No resources found in default namespace.\n")
    assert notebook.last().exit_code == 0
    notebook.kubectl("get svc --context=nope")
    assert (
        capsys.readouterr().err
        == "Error in configuration: context was not found for specified context: nope\n"
    )
    notebook.kubectl_apply(
        "", "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}\n"
    )
    assert capsys.readouterr() == ("service/web created\n", "")
    assert cluster.get("Service", "web") and notebook.last().exit_code == 0
