"""IPython magics: type kubectl commands in a notebook cell and see what a terminal would show.

``%kubectl get svc`` runs a command line against the current cluster; ``%%kubectl_apply`` applies the cell body
as ``kubectl apply -f -``. stdout is printed as is; stderr (``No resources found ...``, ``Warning: ...``, and
error messages) goes to ``sys.stderr`` without a traceback, as a shell shows it.

Use it with::

    from k8snet.sim import Cluster
    from k8snet.kubectl import magics
    cluster = Cluster(preset="article")
    magics.use(cluster)          # registers the magics in the running IPython and selects the cluster

or ``%load_ext k8snet.kubectl.magics`` (a kind-like ``Cluster()`` is created on first use unless
:func:`use` picked one).

The printing functions work without IPython too (errors go to stderr, shown here on stdout):

>>> import contextlib, sys
>>> from k8snet.kubectl import magics
>>> magics.use(_FakeCluster(), register=False)
>>> with contextlib.redirect_stderr(sys.stdout):
...     magics.kubectl("kubectl get svc --foo")
error: unknown flag: --foo
See 'kubectl get --help' for usage.
"""

from __future__ import annotations

import sys
from typing import Any

from ..errors import K8snetError
from .command import run

__all__ = ["use", "current", "kubectl", "kubectl_apply", "load_ipython_extension"]

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
        from ..sim import Cluster

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
    """``%load_ext k8snet.kubectl.magics``: register ``%kubectl`` and ``%%kubectl_apply``."""
    ipython.register_magic_function(kubectl, magic_kind="line", magic_name="kubectl")
    ipython.register_magic_function(kubectl_apply, magic_kind="cell", magic_name="kubectl_apply")
