"""What the book's chapters share: the checks their hidden cells run, and the ``%kubectl`` magics.

A chapter opened alone (on Binder, on Colab, or in a local Jupyter) imports these from the installed package,
so a fix lands once instead of in every notebook. Importing this module also imports :mod:`k8snet.views`,
which makes IPython show a packet trace or a load-balancer what-if as its diagram.

**Checks.** Each chapter's hidden cells assert what the text says about the output above them, against facts
from upstream Kubernetes, not against what the model printed. :func:`kubectl_table` reads a ``kubectl get``
table after checking that kubectl's tabwriter laid it out; the ``*_COLUMNS`` lists are kubectl's column names,
written out here from kubernetes ``pkg/printers/internalversion/printers.go`` rather than taken from the model's
printers. The checks raise :class:`AssertionError` (not ``assert`` statements, so ``python -O`` keeps them).

>>> rows = kubectl_table(
...     "NAME   TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\\n"
...     "web    ClusterIP   10.96.0.20   <none>        80/TCP    5s\\n",
...     SERVICE_COLUMNS,
... )
>>> rows[0]["CLUSTER-IP"], rows[0]["PORT(S)"]
('10.96.0.20', '80/TCP')

**Magics.** ``%kubectl get svc`` runs a command line against the current cluster; ``%%kubectl_apply`` applies
the cell body as ``kubectl apply -f -``. stdout is printed as is; stderr (``No resources found ...``,
``Warning: ...``, and error messages) goes to ``sys.stderr`` without a traceback, as a shell shows it. Use them
with::

    from k8snet import Cluster
    from k8snet import notebook
    cluster = Cluster(preset="article")
    notebook.use(cluster)        # registers the magics in the running IPython and selects the cluster

or ``%load_ext k8snet.notebook`` (a kind-like ``Cluster()`` is created on first use unless :func:`use` picked
one). The printing functions work without IPython too (errors go to stderr, shown here on stdout):

>>> import contextlib, sys
>>> use(_FakeCluster(), register=False)
>>> with contextlib.redirect_stderr(sys.stdout):
...     kubectl("kubectl get svc --foo")
error: unknown flag: --foo
See 'kubectl get --help' for usage.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from k8snet.errors import K8snetError
from k8snet.kubectl.command import run

# importing k8snet.views registers the diagrams of traces and what-ifs as IPython display formatters
from k8snet.views import register_display_formatters

__all__ = [
    "kubectl_table",
    "describe_fields",
    "NODE_WIDE_COLUMNS",
    "POD_WIDE_COLUMNS",
    "SERVICE_COLUMNS",
    "ENDPOINTS_COLUMNS",
    "ENDPOINTSLICE_COLUMNS",
    "use",
    "current",
    "kubectl",
    "kubectl_apply",
    "load_ipython_extension",
]

# -- checks ----------------------------------------------------------------------------------------------------

# kubectl's column names (kubernetes pkg/printers/internalversion/printers.go)
NODE_WIDE_COLUMNS = [
    "NAME",
    "STATUS",
    "ROLES",
    "AGE",
    "VERSION",
    "INTERNAL-IP",
    "EXTERNAL-IP",
    "OS-IMAGE",
    "KERNEL-VERSION",
    "CONTAINER-RUNTIME",
]
POD_WIDE_COLUMNS = [
    "NAME",
    "READY",
    "STATUS",
    "RESTARTS",
    "AGE",
    "IP",
    "NODE",
    "NOMINATED NODE",
    "READINESS GATES",
]
SERVICE_COLUMNS = ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]
ENDPOINTS_COLUMNS = ["NAME", "ENDPOINTS", "AGE"]
ENDPOINTSLICE_COLUMNS = ["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"]


def kubectl_table(text: str, columns: list[str]) -> list[dict[str, str]]:
    """The rows (dicts by column) of ``kubectl get`` output, after checking that its header is ``columns``
    and that it is laid out by kubectl's tabwriter: minimum width 6, padding 3, last column unpadded
    (cli-runtime ``pkg/printers/tabwriter.go``).

    Cells are split at three or more spaces, so a value may hold single spaces (``NOMINATED NODE``).

    Raises
    ------
    AssertionError
        If the header is not ``columns`` (the header found is the message) or a line is not where kubectl's
        tabwriter would put it (the whole text is the message).

    >>> kubectl_table("NAME   AGE\\nweb    5s\\n", ["NAME", "AGE"])
    [{'NAME': 'web', 'AGE': '5s'}]
    >>> kubectl_table("NAME  AGE\\nweb   5s\\n", ["NAME", "AGE"])  # padding 2: not kubectl's layout
    Traceback (most recent call last):
    ...
    AssertionError: ['NAME  AGE']
    """
    lines = text.rstrip("\n").split("\n")
    cells = [re.split(r" {3,}", line.rstrip()) for line in lines]
    if cells[0] != columns:
        raise AssertionError(cells[0])
    widths = [max(6, max(len(row[i]) for row in cells) + 3) for i in range(len(columns) - 1)]
    expected = ["".join(c.ljust(w) for c, w in zip(row[:-1], widths, strict=True)) + row[-1] for row in cells]
    if lines != expected:
        raise AssertionError(text)
    return [dict(zip(columns, row, strict=True)) for row in cells[1:]]


def describe_fields(text: str) -> dict[str, str]:
    """Top-level ``Key:   value`` lines of ``kubectl describe`` output (indented lines are left out).

    >>> describe_fields("Name:              web\\nLabels:            app=web\\n                   tier=front\\n")
    {'Name': 'web', 'Labels': 'app=web'}
    """
    return {
        k.strip(): v.strip()
        for k, _, v in (line.partition(":") for line in text.splitlines())
        if not k.startswith(" ") and _
    }


# -- magics ----------------------------------------------------------------------------------------------------

_state: dict[str, Any] = {"cluster": None}


class _FakeCluster:
    """Stand-in used by the doctest: commands that fail before touching the cluster need nothing."""


def use(cluster: Any, register: bool = True) -> None:
    """Make ``cluster`` the target of ``%kubectl``; register the magics in the running IPython if any."""
    _state["cluster"] = cluster
    if register:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython is optional
            return
        ip = get_ipython()
        if ip is not None:
            load_ipython_extension(ip)


def current() -> Any:
    """The cluster ``%kubectl`` talks to (a default ``Cluster()`` is created on first use)."""
    if _state["cluster"] is None:
        from k8snet.sim.cluster import Cluster

        _state["cluster"] = Cluster()
    return _state["cluster"]


def _print(stdout: str, stderr: str) -> None:
    if stderr:
        sys.stderr.write(stderr)
    if stdout:
        sys.stdout.write(stdout)


def kubectl(line: str, stdin: str | None = None) -> None:
    """Run one command line and print what kubectl would print (errors to stderr, never a traceback)."""
    try:
        out = run(current(), line, stdin=stdin)
    except K8snetError as e:
        _print(getattr(e, "stdout", ""), str(e) + "\n")
        return
    _print(str(out), getattr(out, "stderr", ""))


def kubectl_apply(line: str, cell: str) -> None:
    """``%%kubectl_apply [-n NS]``: ``kubectl apply -f -`` with the cell as stdin."""
    kubectl(f"apply -f - {line}".strip(), stdin=cell)


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext k8snet.notebook``: register ``%kubectl`` and ``%%kubectl_apply`` (and the diagrams of traces
    and what-ifs as display formatters)."""
    ipython.register_magic_function(kubectl, magic_kind="line", magic_name="kubectl")
    ipython.register_magic_function(kubectl_apply, magic_kind="cell", magic_name="kubectl_apply")
    register_display_formatters(ipython)
