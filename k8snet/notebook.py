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

**Magics.** ``%kubectl get svc`` runs a command line against the notebook's cluster; ``%%kubectl_apply`` applies
the cell body as ``kubectl apply -f -``. stdout is printed as is; stderr (``No resources found ...``,
``Warning: ...``, and error messages) goes to ``sys.stderr`` without a traceback, as a shell shows it, and the
exit status is kept: :func:`last` returns the last command's stdout, stderr and exit status (1 for any error,
as kubectl's ``cmdutil.CheckErr`` exits). The cluster is, in this order: the notebook variable named by
``--context=NAME`` (kubectl's own flag for choosing a cluster), the one given to :func:`use`, the notebook's
variable ``cluster``, or a kind-like ``Cluster()`` created on first use. Load them with::

    %load_ext k8snet.notebook
    cluster = Cluster(preset="article")
    %kubectl get svc

The printing functions work without IPython too (errors go to stderr, shown here on stdout):

>>> import contextlib, sys
>>> use(_FakeCluster(), register=False)
>>> with contextlib.redirect_stderr(sys.stdout):
...     kubectl("kubectl get svc --foo")
error: unknown flag: --foo
See 'kubectl get --help' for usage.
>>> last().exit_code
1
>>> use(None, register=False)
"""

from __future__ import annotations

import contextlib
import re
import shlex
import sys
from collections.abc import Iterator
from dataclasses import dataclass
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
    "last",
    "KubectlRun",
    "printed_errors",
    "kubectl",
    "kubectl_apply",
    "use_lab",
    "lab",
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

_state: dict[str, Any] = {"cluster": None, "last": None, "lab": None}


@dataclass(frozen=True)
class KubectlRun:
    """One ``%kubectl`` command as a shell would have seen it: what it printed on each stream, and its exit
    status (0, or 1 for any error: kubectl's ``cmdutil.CheckErr`` calls ``os.Exit(1)`` for every error it
    prints)."""

    command: str
    stdout: str
    stderr: str
    exit_code: int
    stdin: str | None = None


class _FakeCluster:
    """Stand-in used by the doctest: commands that fail before touching the cluster need nothing."""


def use(cluster: Any, register: bool = True) -> None:
    """Make ``cluster`` the target of ``%kubectl`` (``None`` goes back to the notebook's ``cluster``); register
    the magics in the running IPython if any."""
    _state["cluster"] = cluster
    if register:
        ip = _ipython()
        if ip is not None:
            load_ipython_extension(ip)


def _ipython() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is optional
        return None
    return get_ipython()


def current(context: str | None = None) -> Any:
    """The cluster ``%kubectl`` talks to: the notebook variable ``context`` names, else the one :func:`use`
    chose, else the notebook's ``cluster``, else a default ``Cluster()`` (created on first use)."""
    ip = _ipython()
    user_ns = getattr(ip, "user_ns", None) or {}
    if context is not None:
        if context not in user_ns:
            # client-go tools/clientcmd: errContextNotFound, printed by kubectl as a configuration error
            raise K8snetError(
                f"Error in configuration: context was not found for specified context: {context}"
            )
        return user_ns[context]
    if _state["cluster"] is not None:
        return _state["cluster"]
    if "cluster" in user_ns and hasattr(user_ns["cluster"], "api"):
        return user_ns["cluster"]
    from k8snet.sim.cluster import Cluster

    _state["cluster"] = Cluster()
    return _state["cluster"]


def last() -> KubectlRun | None:
    """The last command ``%kubectl``/``%%kubectl_apply`` ran, with its output and exit status."""
    return _state["last"]


def _context(line: str) -> tuple[str | None, str]:
    """Take kubectl's global ``--context NAME`` / ``--context=NAME`` out of ``line``."""
    words = shlex.split(line)
    context = None
    rest = []
    i = 0
    while i < len(words):
        w = words[i]
        if w.startswith("--context="):
            context = w.split("=", 1)[1]
        elif w == "--context" and i + 1 < len(words):
            context = words[i + 1]
            i += 1
        else:
            rest.append(w)
        i += 1
    return context, shlex.join(rest)


def _print(stdout: str, stderr: str) -> None:
    if stderr:
        sys.stderr.write(stderr)
        sys.stderr.flush()
    if stdout:
        sys.stdout.write(stdout)
        sys.stdout.flush()


def kubectl(line: str, stdin: str | None = None) -> None:
    """Run one command line and print what kubectl would print (errors to stderr, never a traceback)."""
    try:
        context, command = _context(line)
    except ValueError as e:
        context, command = None, line
        _state["last"] = KubectlRun(line, "", f"error: {e}\n", 1)
        _print("", f"error: {e}\n")
        return
    try:
        out = run(current(context), command, stdin=stdin)
    except K8snetError as e:
        stdout = getattr(e, "stdout", "") or ""
        _state["last"] = KubectlRun(line, stdout, str(e) + "\n", 1, stdin)
        _print(stdout, str(e) + "\n")
        return
    stderr = getattr(out, "stderr", "")
    _state["last"] = KubectlRun(line, str(out), stderr, 0, stdin)
    _print(str(out), stderr)


@contextlib.contextmanager
def printed_errors() -> Iterator[None]:
    """Run a block of Python that talks to the model and, if it fails with a :class:`~k8snet.errors.K8snetError`,
    print the error's text on stderr as the real component prints it, instead of a traceback (kept in
    :func:`last` with exit status 1).

    >>> import contextlib, sys
    >>> from k8snet.errors import NotFoundError
    >>> with contextlib.redirect_stderr(sys.stdout), printed_errors():
    ...     raise NotFoundError("services", "nope")
    Error from server (NotFound): services "nope" not found
    >>> last().exit_code
    1
    """
    try:
        yield
    except K8snetError as e:
        _state["last"] = KubectlRun("", "", str(e) + "\n", 1)
        _print("", str(e) + "\n")


def kubectl_apply(line: str, cell: str) -> None:
    """``%%kubectl_apply [-n NS] [--context NAME]``: ``kubectl apply -f -`` with the cell as stdin."""
    kubectl(f"apply -f - {line}".strip(), stdin=cell)


def use_lab(scenario: Any, register: bool = True) -> Any:
    """Make a troubleshooting-lab scenario the target of ``%lab`` (and register that magic in the running IPython,
    if any); ``scenario`` is a :class:`~k8snet.sim.troubleshooting.Lab` or a scenario id (a new lab is built).
    Returns the lab."""
    if isinstance(scenario, str):
        from k8snet.sim.troubleshooting import Lab

        scenario = Lab(scenario)
    _state["lab"] = scenario
    ip = _ipython() if register else None
    if ip is not None:
        ip.register_magic_function(lab, magic_kind="line", magic_name="lab")
    return scenario


def lab(line: str) -> None:
    """``%lab COMMAND``: run a command on the current troubleshooting-lab scenario (see :func:`use_lab`) as on a
    real cluster's terminal: ``kubectl ...``, ``kubectl exec POD -- nslookup/curl/wget ...``, ``k8snet trace ...``.
    Prints what the command prints (errors on stderr, never a traceback) and keeps it for :func:`last`.

    >>> import contextlib, sys
    >>> _ = use_lab("orders", register=False)
    >>> with contextlib.redirect_stderr(sys.stdout):
    ...     lab("kubectl exec frontend -- curl -sS --connect-timeout 5 http://orders")
    curl: (7) Failed to connect to orders port 80 after 0 ms: Couldn't connect to server
    >>> last().exit_code
    7
    """
    current_lab = _state["lab"]
    if current_lab is None:
        _state["last"] = KubectlRun(line, "", "error: no lab scenario chosen: use_lab(...) first\n", 1)
        _print("", "error: no lab scenario chosen: use_lab(...) first\n")
        return
    result = current_lab.run(line)
    _state["last"] = KubectlRun(line, result.stdout, result.stderr, result.exit_code)
    _print(result.stdout, result.stderr)


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext k8snet.notebook``: register ``%kubectl`` and ``%%kubectl_apply`` (and the diagrams of traces
    and what-ifs as display formatters)."""
    ipython.register_magic_function(kubectl, magic_kind="line", magic_name="kubectl")
    ipython.register_magic_function(kubectl_apply, magic_kind="cell", magic_name="kubectl_apply")
    register_display_formatters(ipython)
