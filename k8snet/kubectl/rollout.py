"""``kubectl rollout restart|status|history`` (kubernetes/kubectl ``pkg/cmd/rollout`` and ``pkg/polymorphichelpers``).

* ``restart`` (``rollout_restart.go``, ``objectrestarter.go``): sets the pod template annotation
  ``kubectl.kubernetes.io/restartedAt`` to the current time in RFC 3339 (``time.Now().Format(time.RFC3339)``; the
  model's clock is UTC, so ``2026-01-01T00:00:30Z``) and prints ``deployment.apps/web restarted``. The controllers
  then roll the new template out. Restarting twice at the same second computes an empty patch: kubectl reports
  ``failed to create patch for web: empty patch``, still sends it, prints ``restarted`` and exits 1 (the
  simulated clock stands still between two commands unless a lesson advances it, so this is easy to meet here).
  A paused Deployment is refused (``can't restart paused deployment (run rollout resume first)``), other kinds
  get ``restarting is not supported``.
* ``status`` (``rollout_status.go``, ``polymorphichelpers/rollout_status.go``): the status viewer's line for the
  object as it is, then one more line each time it changes, until the rollout is done. ``--watch=false`` prints
  one line. **In the model** ``status`` waits by advancing the simulated clock: from one timed piece of work of
  the controllers (a grace period ending, a retry) to the next, until the viewer says done or ``--timeout``
  passes (then kubectl's ``error: timed out waiting for the condition``, with the clock at the deadline). Several
  changes the controllers make in one settle are seen as one (kubectl would print a line per watch event). If
  nothing is left that could change the object and no ``--timeout`` was given, a real kubectl would wait
  forever; the model stops with an error that says so.
  The model's Pods are Ready as soon as they start, so a Deployment without ``minReadySeconds`` finishes its
  rollout within the command that started it; with ``minReadySeconds`` each new Pod becomes available that long
  after it is Ready, and ``status`` shows the rollout step by step.
* ``history`` (``rollout_history.go``, ``polymorphichelpers/history.go``): the Deployment's ReplicaSets by their
  ``deployment.kubernetes.io/revision`` annotation, with ``kubernetes.io/change-cause``, in a tab writer of
  ``tabbedString`` (0, 8, 2); ``--revision=N`` describes that revision's pod template.

Kinds are dispatched through :data:`ROLLOUT_KINDS`, one :class:`RolloutKind` per kind that kubectl's helpers know
(Deployment, DaemonSet, StatefulSet): its status viewer and, where the model keeps the history, its history
viewer. A workload controller added later registers its history viewer there. Kinds kubectl has no helper for get
kubectl's own errors (``no status viewer has been implemented for ReplicaSet.apps``, ``error retrieving history
for "Service", no visitor method exists for { Service}``).

Simplified: ``-f``, ``-l`` and ``-o`` are not supported; an object is named as ``TYPE NAME`` or ``TYPE/NAME``
(``restart`` and ``history`` also take ``TYPE`` alone: every object of that type in the namespace).

>>> from k8snet.sim.cluster import Cluster
>>> c = Cluster(preset="minikube")
>>> _ = c.kubectl("create deployment web --image=nginx --replicas=2")
>>> print(c.kubectl("rollout restart deployment/web"), end="")
deployment.apps/web restarted
>>> print(c.kubectl("rollout status deployment web"), end="")
deployment "web" successfully rolled out
>>> print(c.kubectl("rollout history deployment/web"), end="")
deployment.apps/web
REVISION  CHANGE-CAUSE
1         <none>
2         <none>
<BLANKLINE>
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from ..api.field import go_quote
from ..errors import K8snetError, KubectlError, NotFoundError
from .command import COMMANDS, Flag, KubectlCluster, KubectlOutput, parse_flags, resolve_resource
from .printers import kind_string
from .tabwriter import describe_writer

__all__ = [
    "RESTARTED_AT",
    "CHANGE_CAUSE",
    "RolloutKind",
    "ROLLOUT_KINDS",
    "deployment_status",
    "daemon_set_status",
    "stateful_set_status",
    "deployment_history",
    "parse_go_duration",
    "rollout",
]

#: The pod template annotation ``rollout restart`` sets (``objectrestarter.go``).
RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"
#: ``polymorphichelpers.ChangeCauseAnnotation``.
CHANGE_CAUSE = "kubernetes.io/change-cause"
REVISION = "deployment.kubernetes.io/revision"
#: ``deploymentutil.TimedOutReason``.
TIMED_OUT_REASON = "ProgressDeadlineExceeded"
#: Steps of the simulated clock ``rollout status`` takes at most (a bound on the work of one command).
MAX_WAITS = 1_000


def _partial(stdout: str, err: str) -> KubectlError:
    """kubectl's error, with what it printed before failing as ``stdout``."""
    e = KubectlError(err)
    e.stdout = stdout  # type: ignore[attr-defined]
    return e


def _usage_error(cmd: str, msg: str) -> KubectlError:
    """``cmdutil.UsageErrorf``."""
    return KubectlError(f"error: {msg}\nSee 'kubectl {cmd} -h' for help and examples")


StatusViewer = Callable[[Any, int], tuple[str, bool]]
HistoryViewer = Callable[[KubectlCluster, Any, int], str]


@dataclass
class RolloutKind:
    """What ``kubectl rollout`` can do with one kind: ``status(obj, revision) -> (line, done)`` (raising
    :class:`~k8snet.errors.KubectlError` as the viewer's error), ``history(cluster, obj, revision) -> text`` (None:
    kubectl has a viewer but the model keeps no history for the kind), and whether ``restart`` refuses paused
    objects."""

    status: StatusViewer
    history: HistoryViewer | None = None
    pausable: bool = False


def _get(obj: Any, *path: str, default: Any = None) -> Any:
    for p in path:
        if obj is None:
            return default
        obj = getattr(obj, p, None)
    return default if obj is None else obj


def deployment_status(dep: Any, revision: int = 0) -> tuple[str, bool]:
    """``DeploymentStatusViewer.Status``: kubectl's line for a Deployment and whether the rollout is done.

    >>> from k8snet.api.apps_v1 import Deployment
    >>> d = Deployment.model_validate({"metadata": {"name": "web", "generation": 2}, "spec": {"replicas": 3},
    ...     "status": {"observedGeneration": 2, "replicas": 3, "updatedReplicas": 3, "availableReplicas": 1}})
    >>> deployment_status(d)
    ('Waiting for deployment "web" rollout to finish: 1 of 3 updated replicas are available...\\n', False)
    """
    name = _get(dep, "metadata", "name", default="")
    if revision > 0:
        ann = _get(dep, "metadata", "annotations", default={})
        try:
            have = int(ann.get(REVISION, "0"))
        except ValueError as err:
            raise KubectlError(
                f'error: cannot get the revision of deployment "{name}": {err}'
            ) from None  # pragma: no cover - the controller writes integers
        if revision != have:
            raise KubectlError(
                f"error: desired revision ({revision}) is different from the running revision ({have})"
            )
    st = _get(dep, "status")
    if _get(dep, "metadata", "generation", default=0) <= _get(st, "observedGeneration", default=0):
        progressing = next((c for c in _get(st, "conditions", default=[]) if c.type == "Progressing"), None)
        if progressing is not None and progressing.reason == TIMED_OUT_REASON:
            raise KubectlError(f'error: deployment "{name}" exceeded its progress deadline')
        want = _get(dep, "spec", "replicas")
        updated = _get(st, "updatedReplicas", default=0)
        replicas = _get(st, "replicas", default=0)
        available = _get(st, "availableReplicas", default=0)
        if want is not None and updated < want:
            return (
                f'Waiting for deployment "{name}" rollout to finish: {updated} out of {want} new replicas have '
                "been updated...\n",
                False,
            )
        if replicas > updated:
            return (
                f'Waiting for deployment "{name}" rollout to finish: {replicas - updated} old replicas are '
                "pending termination...\n",
                False,
            )
        if available < updated:
            return (
                f'Waiting for deployment "{name}" rollout to finish: {available} of {updated} updated replicas '
                "are available...\n",
                False,
            )
        return f'deployment "{name}" successfully rolled out\n', True
    return "Waiting for deployment spec update to be observed...\n", False


def _strategy_type(obj: Any) -> str:
    # the API server defaults updateStrategy.type to RollingUpdate for both kinds (apps/v1 defaults.go)
    return _get(obj, "spec", "updateStrategy", "type") or "RollingUpdate"


def daemon_set_status(ds: Any, revision: int = 0) -> tuple[str, bool]:
    """``DaemonSetStatusViewer.Status`` (the revision is ignored, as upstream does).

    >>> from k8snet.api.apps_v1 import DaemonSet
    >>> ds = DaemonSet.model_validate({"metadata": {"name": "agent", "generation": 1}, "status": {
    ...     "observedGeneration": 1, "desiredNumberScheduled": 3, "updatedNumberScheduled": 3, "numberAvailable": 2,
    ...     "currentNumberScheduled": 3, "numberMisscheduled": 0, "numberReady": 2}})
    >>> daemon_set_status(ds)
    ('Waiting for daemon set "agent" rollout to finish: 2 of 3 updated pods are available...\\n', False)
    """
    name = _get(ds, "metadata", "name", default="")
    if _strategy_type(ds) != "RollingUpdate":
        # upstream names the StatefulSet constant here; both are "RollingUpdate"
        raise KubectlError("error: rollout status is only available for RollingUpdate strategy type")
    st = _get(ds, "status")
    if _get(ds, "metadata", "generation", default=0) <= _get(st, "observedGeneration", default=0):
        desired = _get(st, "desiredNumberScheduled", default=0)
        updated = _get(st, "updatedNumberScheduled", default=0)
        available = _get(st, "numberAvailable", default=0)
        if updated < desired:
            return (
                f'Waiting for daemon set "{name}" rollout to finish: {updated} out of {desired} new pods have '
                "been updated...\n",
                False,
            )
        if available < desired:
            return (
                f'Waiting for daemon set "{name}" rollout to finish: {available} of {desired} updated pods are '
                "available...\n",
                False,
            )
        return f'daemon set "{name}" successfully rolled out\n', True
    return "Waiting for daemon set spec update to be observed...\n", False


def stateful_set_status(sts: Any, revision: int = 0) -> tuple[str, bool]:
    """``StatefulSetStatusViewer.Status``.

    >>> from k8snet.api.apps_v1 import StatefulSet
    >>> s = StatefulSet.model_validate({"metadata": {"name": "db", "generation": 1}, "spec": {"replicas": 3},
    ...     "status": {"observedGeneration": 1, "replicas": 3, "readyReplicas": 1}})
    >>> stateful_set_status(s)
    ('Waiting for 2 pods to be ready...\\n', False)
    """
    if _strategy_type(sts) != "RollingUpdate":
        raise KubectlError("error: rollout status is only available for RollingUpdate strategy type")
    st = _get(sts, "status")
    observed = _get(st, "observedGeneration", default=0)
    if observed == 0 or _get(sts, "metadata", "generation", default=0) > observed:
        return "Waiting for statefulset spec update to be observed...\n", False
    want = _get(sts, "spec", "replicas")
    ready = _get(st, "readyReplicas", default=0)
    if want is not None and ready < want:
        return f"Waiting for {want - ready} pods to be ready...\n", False
    updated = _get(st, "updatedReplicas", default=0)
    rolling = _get(sts, "spec", "updateStrategy", "rollingUpdate")
    if rolling is not None:
        partition = _get(rolling, "partition")
        if want is not None and partition is not None and updated < want - partition:
            return (
                f"Waiting for partitioned roll out to finish: {updated} out of {want - partition} new pods have "
                "been updated...\n",
                False,
            )
        return f"partitioned roll out complete: {updated} new pods have been updated...\n", True
    update_rev, current_rev = _get(st, "updateRevision", default=""), _get(st, "currentRevision", default="")
    if update_rev != current_rev:
        return (
            f"waiting for statefulset rolling update to complete {updated} pods at revision {update_rev}...\n",
            False,
        )
    current = _get(st, "currentReplicas", default=0)
    return f"statefulset rolling update complete {current} pods at revision {current_rev}...\n", True


def _tabbed(rows: list[str]) -> str:
    w = describe_writer()  # tabbedString: minwidth 0, tabwidth 8, padding 2
    w.write("".join(rows))
    return w.flush()


def deployment_history(cluster: KubectlCluster, dep: Any, revision: int = 0) -> str:
    """``DeploymentHistoryViewer.ViewHistory``: REVISION and CHANGE-CAUSE of the Deployment's ReplicaSets (a
    ReplicaSet's ``kubernetes.io/change-cause``, else ``<none>``), or revision ``revision``'s pod template."""
    from .describe import describe_pod_template, split_replica_sets

    ns = _get(dep, "metadata", "namespace", default="default")
    old, new = split_replica_sets(dep, cluster.api.list("ReplicaSet", ns))
    history: dict[int, tuple[Any, str]] = {}
    for rs in old + new:
        try:
            rev = int(_get(rs, "metadata", "annotations", default={}).get(REVISION, ""))
        except ValueError:
            continue  # deploymentutil.Revision fails: the ReplicaSet is skipped
        cause = _get(rs, "metadata", "annotations", default={}).get(CHANGE_CAUSE, "")
        history[rev] = (rs.spec.template, cause)
    if not history:
        return "No rollout history found."
    if revision > 0:
        if revision not in history:
            raise KubectlError("error: unable to find the specified revision")
        template = history[revision][0].model_copy(deep=True)
        if history[revision][1]:
            template.metadata.annotations = {
                **(template.metadata.annotations or {}),
                CHANGE_CAUSE: history[revision][1],
            }
        return describe_pod_template(template)
    rows = ["REVISION\tCHANGE-CAUSE\n"]
    rows += [f"{r}\t{history[r][1] or '<none>'}\n" for r in sorted(history)]
    return _tabbed(rows)


#: The kinds kubectl's rollout helpers know, by kind. DaemonSet and StatefulSet histories are ControllerRevisions,
#: which the model does not keep yet: their controller registers a history viewer here when it does.
ROLLOUT_KINDS: dict[str, RolloutKind] = {
    "Deployment": RolloutKind(deployment_status, deployment_history, pausable=True),
    "DaemonSet": RolloutKind(daemon_set_status),
    "StatefulSet": RolloutKind(stateful_set_status),
}
#: Kinds ``kubectl rollout history`` visits without finding a viewer (``apps.GroupKindElement.Accept``: the
#: visitor methods that set none): ``no history viewer has been implemented for "ReplicaSet.apps"``.
_HISTORY_VISITED_WITHOUT_VIEWER = {"Job", "Pod", "ReplicaSet", "ReplicationController", "CronJob"}

_DURATION_UNITS = {
    "ns": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,
    "μs": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "m": 60.0,
    "h": 3600.0,
}


def parse_go_duration(text: str) -> float:
    """Go's ``time.ParseDuration``, in seconds (as ``--timeout`` takes it).

    >>> parse_go_duration("1m30s"), parse_go_duration("0"), parse_go_duration("1.5h")
    (90.0, 0.0, 5400.0)
    >>> parse_go_duration("30")
    Traceback (most recent call last):
    ...
    ValueError: time: missing unit in duration "30"
    """
    s = text
    sign = 1.0
    if s[:1] in "+-" and s:
        sign = -1.0 if s[0] == "-" else 1.0
        s = s[1:]
    if s == "0":
        return 0.0
    if not s:
        raise ValueError(f"time: invalid duration {go_quote(text)}")
    total = 0.0
    while s:
        m = re.match(r"(\d*)(\.(\d*))?", s)
        whole, frac = (m.group(1), m.group(3)) if m else ("", None)
        if not whole and not frac:
            raise ValueError(f"time: invalid duration {go_quote(text)}")
        s = s[m.end() if m else 0 :]
        u = re.match(r"[^\d.]*", s)
        unit = u.group(0) if u else ""
        if not unit:
            raise ValueError(f"time: missing unit in duration {go_quote(text)}")
        if unit not in _DURATION_UNITS:
            raise ValueError(f"time: unknown unit {go_quote(unit)} in duration {go_quote(text)}")
        s = s[len(unit) :]
        total += float(f"{whole or '0'}.{frac or '0'}") * _DURATION_UNITS[unit]
    return sign * total


# --- the commands --------------------------------------------------------------------------------------------


def _targets(cluster: KubectlCluster, args: list[str], ns: str) -> list[tuple[Any, str]]:
    """``ResourceTypeOrNameArgs``: ``TYPE/NAME ...``, ``TYPE NAME ...`` or ``TYPE`` (all of that type)."""
    if not args:
        raise KubectlError("error: required resource not specified")
    if "/" in args[0]:
        out = []
        for a in args:
            if "/" not in a:  # cli-runtime builder.go
                raise KubectlError(
                    "error: arguments in resource/name form must have a single resource and name"
                )
            t, name = a.split("/", 1)
            out.append((resolve_resource(t), name))
        return out
    if any("/" in a for a in args[1:]):
        raise KubectlError(
            "error: there is no need to specify a resource type as a separate argument when passing arguments in "
            "resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource "
            "resource/<resource_name>'"
        )
    info = resolve_resource(args[0])
    if len(args) > 1:
        return [(info, name) for name in args[1:]]
    return [(info, o.metadata.name) for o in cluster.api.list(info.kind, ns)]


def _restart(cluster: KubectlCluster, words: list[str]) -> KubectlOutput:
    p = parse_flags("rollout restart", words, [Flag("field-manager", default="kubectl-rollout")])
    ns = p.flags["namespace"] or "default"
    targets = _targets(cluster, p.args, ns)
    out: list[str] = []
    errors: list[str] = []
    for info, name in targets:
        try:
            obj = cluster.api.get(info.kind, name, ns)
        except NotFoundError as err:
            errors.append(str(err))
            continue
        kind = ROLLOUT_KINDS.get(info.kind)
        if kind is None:
            errors.append(f"error: {info.group_resource} {go_quote(name)} restarting is not supported")
            continue
        if kind.pausable and _get(obj, "spec", "paused"):
            errors.append(
                f"error: {info.group_resource} {go_quote(name)} can't restart paused deployment "
                "(run rollout resume first)"
            )
            continue
        obj = obj.model_copy(deep=True)
        template = obj.spec.template
        now = cluster.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")  # time.RFC3339 of a UTC time
        annotations = dict(template.metadata.annotations or {})
        if annotations.get(RESTARTED_AT) == now:
            # the strategic merge patch between the object and itself is "{}"; kubectl still sends it
            errors.append(f"failed to create patch for {name}: empty patch")
        else:
            annotations[RESTARTED_AT] = now
            template.metadata.annotations = annotations
            try:
                cluster.api.update(obj)  # the strategic merge patch, as the server applies it
                cluster.reconcile()
            except K8snetError as err:
                errors.append(f"failed to patch: {err}")
                continue
        out.append(f"{kind_string(info.kind)}/{name} restarted\n")
    if errors:
        raise _partial("".join(out), _aggregate(errors))
    return KubectlOutput("".join(out))


def _aggregate(errors: list[str]) -> str:
    """``cmdutil.CheckErr`` of ``utilerrors.NewAggregate(errors)``: one error is printed alone (``error: `` in front
    unless it starts with it or is the API server's ``Error from server (...)``); several one per line, as
    ``MultipleErrors`` prints them (no prefix added)."""
    if len(errors) > 1:
        return "\n".join(errors)
    text = errors[0]
    return text if text.startswith(("error: ", "Error from server (")) else f"error: {text}"


def _next_wakeup(cluster: KubectlCluster) -> datetime | None:
    """When the controllers next have timed work (None: nothing is waiting on the clock)."""
    wakeup = getattr(cluster, "next_wakeup", None)
    return wakeup() if callable(wakeup) else None


def _status(cluster: KubectlCluster, words: list[str]) -> KubectlOutput:
    p = parse_flags(
        "rollout status",
        words,
        [
            Flag("watch", "w", kind="bool", default=True),
            Flag("revision", kind="int", default=0),
            Flag("timeout", default="0s"),
        ],
    )
    try:
        timeout = parse_go_duration(p.flags["timeout"])
    except ValueError as err:
        raise KubectlError(
            f'error: invalid argument {go_quote(p.flags["timeout"])} for "--timeout" flag: {err}\n'
            "See 'kubectl rollout status --help' for usage."
        ) from None
    if not p.args:
        raise KubectlError("error: required resource not specified")
    if p.flags["revision"] < 0:
        raise KubectlError(f"error: revision must be a positive integer: {p.flags['revision']}")
    ns = p.flags["namespace"] or "default"
    targets = _targets(cluster, p.args, ns)
    if len({info.kind for info, _ in targets}) > 1:
        raise KubectlError("error: you must provide one or more resources by argument or filename")
    for info, name in targets:
        cluster.api.get(info.kind, name, ns)  # NotFound as the builder reports it
    if len(targets) != 1:
        raise KubectlError(
            "error: rollout status is only supported on individual resources and resource collections - "
            f"{len(targets)} resources were found"
        )
    info, name = targets[0]
    kind = ROLLOUT_KINDS.get(info.kind)
    if kind is None:
        group = f".{info.group}" if info.group else ""
        raise KubectlError(f"error: no status viewer has been implemented for {info.kind}{group}")
    clock = cast(Any, cluster.clock)  # a simulated clock: kubectl's wait advances it (SimClock.advance)
    deadline = clock.now() + timedelta(seconds=timeout) if timeout > 0 else None
    lines: list[str] = []
    seen: str | None = None
    for _ in range(MAX_WAITS):
        try:
            obj = cluster.api.get(info.kind, name, ns)
        except NotFoundError:
            raise _partial("".join(lines), "error: object has been deleted") from None
        if obj.metadata.resourceVersion != seen:  # a watch event: Added first, then Modified
            seen = obj.metadata.resourceVersion
            try:
                line, done = kind.status(obj, p.flags["revision"])
            except KubectlError as err:
                raise _partial("".join(lines), str(err)) from None
            lines.append(line)
            if done or not p.flags["watch"]:
                return KubectlOutput("".join(lines))
        wake = _next_wakeup(cluster)
        if wake is None or (deadline is not None and wake > deadline):
            if deadline is None:
                break
            clock.advance(max((deadline - clock.now()).total_seconds(), 0.0))
            raise _partial("".join(lines), "error: timed out waiting for the condition")
        clock.advance(max((wake - clock.now()).total_seconds(), 0.0))
    raise _partial(
        "".join(lines),
        f"error: k8snet: nothing left in the cluster can change {kind_string(info.kind)}/{name}; kubectl would "
        "wait here forever (give --timeout)",
    )


def _history(cluster: KubectlCluster, words: list[str]) -> KubectlOutput:
    p = parse_flags("rollout history", words, [Flag("revision", kind="int", default=0)])
    if not p.args:
        raise KubectlError("error: required resource not specified")
    if p.flags["revision"] < 0:
        raise KubectlError(f"error: revision must be a positive integer: {p.flags['revision']}")
    ns = p.flags["namespace"] or "default"
    revision = p.flags["revision"]
    out: list[str] = []
    for info, name in _targets(cluster, p.args, ns):
        try:
            obj = cluster.api.get(info.kind, name, ns)
        except NotFoundError as err:
            raise _partial("".join(out), str(err)) from None
        group_kind = f"{info.kind}.{info.group}" if info.group else info.kind
        kind = ROLLOUT_KINDS.get(info.kind)
        if kind is None:
            if info.kind in _HISTORY_VISITED_WITHOUT_VIEWER:
                msg = f'error: no history viewer has been implemented for "{group_kind}"'
            else:
                msg = (
                    f'error: error retrieving history for "{group_kind}", no visitor method exists for '
                    f"{{{info.group} {info.kind}}}"
                )
            raise _partial("".join(out), msg)
        if kind.history is None:
            raise _partial(
                "".join(out), f"error: k8snet: the model keeps no rollout history for {info.kind} yet"
            )
        text = kind.history(cluster, obj, revision)
        with_revision = f"with revision #{revision}" if revision > 0 else ""
        out.append(f"{kind_string(info.kind)}/{name} {with_revision}\n{text}\n")
    return KubectlOutput("".join(out))


_SUBCOMMANDS: dict[str, Callable[[KubectlCluster, list[str]], KubectlOutput]] = {
    "restart": _restart,
    "status": _status,
    "history": _history,
}
#: ``kubectl rollout`` subcommands the model does not have.
_NOT_MODELLED = ("pause", "resume", "undo")


def rollout(cluster: KubectlCluster, words: list[str], stdin: str | None = None) -> KubectlOutput:
    """``kubectl rollout SUBCOMMAND ...`` (see the module docstring); registered as the ``rollout`` command of
    :func:`k8snet.kubectl.command.run`."""
    sub, i = None, 0
    while i < len(words):  # the first word that is neither a flag nor a global flag's value
        w = words[i]
        if w in ("-n", "--namespace", "--context", "--kubeconfig"):
            i += 2
            continue
        if not w.startswith("-"):
            sub = w
            break
        i += 1
    if sub is None:
        raise KubectlError(
            "error: k8snet does not print kubectl's help text (kubectl rollout: restart|status|history)"
        )
    rest = words[:i] + words[i + 1 :]
    if sub in _NOT_MODELLED:
        raise KubectlError(f"error: k8snet does not model kubectl rollout {sub}")
    fn = _SUBCOMMANDS.get(sub)
    if fn is None:
        # cmdutil.DefaultSubCommandRun: RequireNoArguments
        raise _usage_error(
            "rollout", f'unknown command "{" ".join(w for w in words[i:] if not w.startswith("-"))}"'
        )
    return fn(cluster, rest)


# the command table lives in command.py; this module adds its command to it (k8snet.kubectl imports this module)
COMMANDS["rollout"] = rollout
