"""Run a kubectl v1.34 command line against a simulated cluster and return what kubectl prints.

:func:`run` parses the line with :mod:`shlex` (a leading ``kubectl`` is optional) and supports:

``get``, ``describe``, ``run`` (with ``--expose``), ``create deployment|namespace|service <type>|configmap|secret
generic``, ``create -f``, ``expose``, ``apply -f``, ``scale``, ``label``, ``delete``, ``taint`` (nodes) and
``exec`` (``env``/``printenv`` in a container, see :meth:`k8snet.controllers.kubelet.Kubelet.exec`), and
``rollout restart|status|history`` (:mod:`k8snet.kubectl.rollout`, which adds itself to :data:`COMMANDS`). Output is a
:class:`KubectlOutput` (a ``str`` holding stdout, with ``.stderr`` holding what kubectl writes to stderr, such as
``No resources found in default namespace.`` or the ``Warning: ...`` lines the API server returns). Failures
raise :class:`~k8snet.errors.KubectlError` whose text is kubectl's stderr (without the final newline); when some
objects of an ``apply -f``/``create -f`` were written and others failed, the error's ``stdout`` holds what kubectl
printed for the written ones.

Upstream behaviour followed (kubernetes/kubectl): ``pkg/cmd/get/get.go`` (tables per resource type, empty line
between types, ``kind/name`` when several types are printed, ``No resources found`` on stderr, a ``List`` for
``-o yaml|json|jsonpath|custom-columns`` of several objects), ``pkg/cmd/run/run.go`` (a Pod labelled
``run=<name>``; ``--expose`` creates the Service first), ``pkg/cmd/create/create_deployment.go`` (labels
``app=<name>``, container named after the image), ``create_namespace.go``, ``create_service.go`` (label and
selector ``app=<name>``, one port ``<port>-<targetPort>`` per ``--tcp``), ``create_configmap.go`` and
``create_secret.go`` (``--from-literal``, ``--from-file``, their key errors), ``pkg/cmd/expose/expose.go`` with
``pkg/polymorphichelpers`` (selector, ports and protocols taken from the exposed object; one port is left
unnamed, several are named ``port-1``, ``port-2``...; the Service inherits the object's labels),
``pkg/cmd/apply/apply.go`` and cli-runtime's resource builder (:mod:`k8snet.kubectl.apply`: each object on its
own; ``-f`` takes files, directories — their ``.yaml``/``.yml``/``.json`` files, ``-R`` for subdirectories —
and ``-``), ``pkg/cmd/delete/delete.go`` (``service "x" deleted from default namespace``),
``pkg/cmd/util/helpers.go`` (``error: `` prefix, ``See 'kubectl X -h' for help and examples`` after usage
errors) and cobra/pflag (``error: unknown flag: --foo`` followed by ``See 'kubectl get --help' for usage.``).
``-o jsonpath=...`` and ``-o custom-columns=...`` are :mod:`k8snet.kubectl.jsonpath`.

The writing commands accept ``--dry-run=client`` (the object kubectl would send, not sent) and
``--dry-run=server`` (sent, defaulted, validated and admitted, then not stored) with ``-o yaml|json|name``.

Resource type names (``svc``, ``deployments.apps``...) are resolved through :mod:`k8snet.api.registry`, the
one table of kinds. What a command needs of the cluster is :class:`KubectlCluster`: the API server, the clock,
and ``reconcile()`` to let the controllers react after each write.

Simplified: one namespace context (``default`` unless ``-n``), no go-templates, no ``--watch``; the ``create``
subcommands not listed above (job, cronjob, role, ingress...) say they are not modelled.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from ..api import APIResource, category, kind_class, resource_class
from ..api.field import go_json_escape, go_quote
from ..api.strconv import NumError, atoi, int32, parse_int
from ..apiserver.server import APIServer
from ..errors import (
    BadRequestError,
    ForbiddenError,
    K8snetError,
    KubectlError,
    NotFoundError,
)
from .describe import describe as describe_obj
from .jsonpath import custom_columns_print, jsonpath_print
from .printers import get_table, kind_string, output_object, print_names, resource_name, to_json, to_yaml

__all__ = [
    "run",
    "KubectlOutput",
    "KubectlCluster",
    "resolve_resource",
    "scale",
    "check_scale_counts",
    "SCALABLE_KINDS",
]


class Clock(Protocol):
    """The time kubectl measures ``AGE`` against."""

    def now(self) -> datetime: ...


class KubectlCluster(Protocol):
    """What kubectl needs of a cluster: the API server it sends requests to (whose ``last_warnings`` hold the
    ``Warning:`` texts of the last request), the clock, and ``reconcile()``, which lets the controllers react
    after a write (they run synchronously; a cluster without controllers does nothing).
    :class:`~k8snet.sim.cluster.Cluster` implements it."""

    api: APIServer
    clock: Clock

    def reconcile(self) -> None: ...


class KubectlOutput(str):
    """kubectl's stdout as a ``str``; ``.stderr`` holds what it wrote to stderr (``""`` if nothing)."""

    stderr: str

    def __new__(cls, stdout: str = "", stderr: str = "") -> KubectlOutput:
        obj = super().__new__(cls, stdout)
        obj.stderr = stderr
        return obj

    @property
    def stdout(self) -> str:
        return str(self)


#: ``kubectl get all``: the kinds in the ``all`` category, in discovery order.
_ALL = [cls.api_info for cls in category("all")]


def resolve_resource(name: str) -> APIResource:
    """Map ``svc``, ``services``, ``deployments.apps``... to a resource type (case-insensitive).

    >>> resolve_resource("svc").kind, resolve_resource("deploy").kind
    ('Service', 'Deployment')
    >>> resolve_resource("foo")
    Traceback (most recent call last):
    ...
    k8snet.errors.KubectlError: error: the server doesn't have a resource type "foo"
    """
    cls = resource_class(name)
    if cls is None:
        raise KubectlError(f'error: the server doesn\'t have a resource type "{name}"')
    return cls.api_info


# --- flag parsing (cobra / pflag behaviour) ---------------------------------------------------------------


@dataclass
class Flag:
    name: str
    short: str | None = None
    kind: str = "string"  # string | bool | int | int32 | list
    default: Any = None


GLOBAL_FLAGS = [Flag("namespace", "n"), Flag("kubeconfig"), Flag("context")]


@dataclass
class Parsed:
    args: list[str] = field(default_factory=list)
    flags: dict[str, Any] = field(default_factory=dict)
    after_dash: list[str] = field(default_factory=list)
    set: set[str] = field(default_factory=set)


def _flag_error(cmd: str, msg: str) -> KubectlError:
    return KubectlError(f"error: {msg}\nSee 'kubectl {cmd} --help' for usage.")


def _usage_error(cmd: str, msg: str) -> KubectlError:
    """``cmdutil.UsageErrorf``."""
    return KubectlError(f"error: {msg}\nSee 'kubectl {cmd} -h' for help and examples")


def parse_flags(cmd: str, words: list[str], flags: list[Flag]) -> Parsed:
    """pflag parsing: ``--f=v``, ``--f v``, ``-fv``, ``-f v``, ``-f=v``, bool flags, ``--`` ends flags."""
    all_flags = flags + GLOBAL_FLAGS
    by_name = {f.name: f for f in all_flags}
    by_short = {f.short: f for f in all_flags if f.short}
    p = Parsed(flags={f.name: ([] if f.kind == "list" else f.default) for f in all_flags})

    def assign(f: Flag, value: str | None, rest: list[str], shown: str) -> None:
        if f.kind == "bool":
            if value is None:
                p.flags[f.name] = True
            elif value.lower() in ("true", "1", "t"):
                p.flags[f.name] = True
            elif value.lower() in ("false", "0", "f"):
                p.flags[f.name] = False
            else:
                raise _flag_error(
                    cmd,
                    f'invalid argument "{value}" for "{shown}" flag: strconv.ParseBool: '
                    f'parsing "{value}": invalid syntax',
                )
        else:
            if value is None:
                if not rest:
                    raise _flag_error(cmd, f"flag needs an argument: {shown}")
                value = rest.pop(0)
            if f.kind in ("int", "int32"):
                # pflag: strconv.ParseInt(s, 0, 64) for IntVar, (s, 0, 32) for Int32Var
                try:
                    p.flags[f.name] = parse_int(value, 0, 32 if f.kind == "int32" else 64)
                except NumError as err:
                    raise _flag_error(
                        cmd, f"invalid argument {go_quote(value)} for {go_quote(shown)} flag: {err}"
                    ) from None
            elif f.kind == "list":
                p.flags[f.name].append(value)
            else:
                p.flags[f.name] = value
        p.set.add(f.name)

    rest = list(words)
    while rest:
        w = rest.pop(0)
        if w == "--":
            p.after_dash = rest
            break
        if w.startswith("--") and len(w) > 2:
            name, eq, value = w[2:].partition("=")
            f = by_name.get(name)
            if f is None:
                raise _flag_error(cmd, f"unknown flag: --{name}")
            assign(f, value if eq else None, rest, f"--{name}")
        elif w.startswith("-") and len(w) > 1:
            letter = w[1]
            f = by_short.get(letter)
            if f is None:
                raise _flag_error(cmd, f"unknown shorthand flag: '{letter}' in {w}")
            tail = w[2:]
            if f.kind == "bool":
                assign(f, tail[1:] if tail.startswith("=") else None, rest, f"-{letter}, --{f.name}")
                if tail and not tail.startswith("="):
                    rest.insert(0, "-" + tail)
            else:
                value = tail[1:] if tail.startswith("=") else (tail or None)
                assign(f, value, rest, f"-{letter}, --{f.name}")
        else:
            p.args.append(w)
    return p


# --- helpers around the cluster -----------------------------------------------------------------------------


def _warnings(cluster: KubectlCluster) -> str:
    """The ``Warning:`` lines of the API server's last request."""
    return "".join(f"Warning: {w}\n" for w in cluster.api.last_warnings)


def _list(cluster: KubectlCluster, kind: str, namespace: str | None, selector: str | None = None) -> list:
    """List through the API server, with ``-l`` as the ``labelSelector`` parameter (trimmed, as the resource
    builder's ``LabelSelectorParam`` does). A selector the server cannot parse comes back as a 400, which
    kubectl rewords (cli-runtime ``pkg/resource/selector.go``, ``EnhanceListError``)::

        Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector
        "app in (web", field selector "": unable to parse requirement: found '', expected: ',' or ')'
    """
    selector = (selector or "").strip()
    try:
        return list(cluster.api.list(kind, namespace, selector or None))
    except BadRequestError as err:
        if not selector:
            raise
        info = kind_class(kind).api_info
        raise BadRequestError(
            f'Unable to find "{info.group}/{info.version}, Resource={info.plural}" that match label selector '
            f'{go_quote(selector)}, field selector "": {err.message}'
        ) from None


#: cli-runtime ``resource.FileExtensions``: the files a directory given to ``-f`` contributes.
FILE_EXTENSIONS = (".json", ".yaml", ".yml")


def _walk(root: str, recursive: bool) -> list[str]:
    """``ExpandPathsToFileVisitors``: ``filepath.Walk`` in lexical order; inside a directory only files with a
    manifest extension, and subdirectories only with ``-R``; a file named explicitly is read whatever its name."""
    if not os.path.isdir(root):
        return [root]
    out: list[str] = []
    for entry in sorted(os.listdir(root)):
        path = os.path.join(root, entry)
        if os.path.isdir(path):
            if recursive:
                out.extend(p for p in _walk(path, True) if p != path)
            continue
        if entry.endswith(FILE_EXTENSIONS):
            out.append(path)
    return out


def read_filenames(filenames: list[str], stdin: str | None, recursive: bool = False) -> list[Any]:
    """The documents ``-f`` names, as kubectl's resource builder reads them (``FilenameParam``): ``-`` is stdin
    (source ``STDIN``), a path that does not exist is tried as a glob (``expandIfFilePattern``) and otherwise
    refuses the whole command (``error: the path "x" does not exist``, nothing applied), a directory contributes
    its ``.json``/``.yaml``/``.yml`` files (``-R``: recursively). Returns :class:`~k8snet.manifests.Document`
    items, decode errors included, for :func:`~k8snet.kubectl.apply.apply_documents`."""
    import glob

    from ..manifests import load_documents

    sources: list[str | None] = []
    missing: list[str] = []
    for f in filenames:
        if f == "-":
            sources.append(None)
            continue
        if f.startswith(("http://", "https://")):
            raise KubectlError(f'error: k8snet does not download manifests: "{f}"')
        if os.path.exists(f):
            sources.append(f)
            continue
        matches = sorted(glob.glob(f))
        if not matches:
            missing.append(f'the path "{f}" does not exist')
        sources.extend(matches)
    if missing:
        # the builder's own errors (b.errs) stop the command before anything is read
        raise KubectlError(f"error: {missing[0]}" if len(missing) == 1 else "\n".join(missing))
    docs: list[Any] = []
    for source in sources:
        if source is None:
            docs.extend(load_documents(stdin or "", "STDIN"))
            continue
        for path in _walk(source, recursive):
            try:
                data = open(path, "rb").read()
            except OSError as err:
                raise KubectlError(
                    f"error: {err.strerror.lower() if err.strerror else err}: {path}"
                ) from None
            docs.extend(load_documents(data, path))
    return docs


def _load(source: str, stdin: str | None) -> tuple[list, str]:
    """Every object of one ``-f`` source for commands that need them all (``delete -f``); the first decode
    error fails the command."""
    from .apply import check_err_text, source_error

    docs = read_filenames([source], stdin)
    for doc in docs:
        if doc.error is not None:
            if doc.stage == "server":
                raise KubectlError(source_error(doc.error, doc.source).single)
            from .apply import builder_failure

            raise KubectlError(check_err_text(builder_failure(doc)))
    return [d.obj for d in docs if d.obj is not None], docs[0].source if docs else source


# --- commands ---------------------------------------------------------------------------------------------

OUTPUT_FLAGS = [
    Flag("output", "o"),
    Flag("show-labels", kind="bool", default=False),
    Flag("no-headers", kind="bool", default=False),
]


def _cmd_get(cluster: KubectlCluster, words: list[str], stdin: str | None) -> KubectlOutput:
    p = parse_flags(
        "get",
        words,
        OUTPUT_FLAGS
        + [
            Flag("all-namespaces", "A", "bool", False),
            Flag("selector", "l"),
            Flag("filename", "f", "list"),
            Flag("ignore-not-found", kind="bool", default=False),
            Flag("watch", "w", "bool", False),
        ],
    )
    output = p.flags["output"] or ""
    output_kind, _, template = output.partition("=")
    _check_output(output, output_kind, ("", "wide", "yaml", "json", "name", "jsonpath", "custom-columns"))
    ns = p.flags["namespace"] or "default"
    all_ns = p.flags["all-namespaces"]
    if not p.args:
        raise KubectlError(
            'You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of '
            "supported resources.\n\nerror: Required resource not specified.\n"
            'Use "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain '
            "pods).\nSee 'kubectl get -h' for help and examples"
        )
    # TYPE[,TYPE] [NAME...] or TYPE/NAME...
    requests: list[tuple[APIResource, str | None]] = []
    if "/" in p.args[0]:
        for a in p.args:
            if "/" not in a:
                raise KubectlError(
                    "error: there is no need to specify a resource type as a separate argument when "
                    "passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' "
                    "instead of 'kubectl get resource resource/<resource_name>'"
                )
            t, name = a.split("/", 1)
            requests.append((resolve_resource(t), name))
    else:
        types: list[APIResource] = []
        for t in p.args[0].split(","):
            if t.lower() == "all":
                types.extend(_ALL)
            else:
                types.append(resolve_resource(t))
        names = p.args[1:]
        for rt in types:
            if names:
                requests.extend((rt, n) for n in names)
            else:
                requests.append((rt, None))
    objects: list = []
    errors: list[str] = []
    for rt, name in requests:
        if name is None:
            objects.extend(
                _list(cluster, rt.kind, None if (all_ns or not rt.namespaced) else ns, p.flags["selector"])
            )
        else:
            try:
                objects.append(cluster.api.get(rt.kind, name, ns))
            except NotFoundError as e:
                if not p.flags["ignore-not-found"]:
                    errors.append(str(e))
    single_name = len(requests) == 1 and requests[0][1] is not None
    stderr = ""
    if output == "yaml":
        stdout = to_yaml(objects, single=single_name) if (objects or not errors) else ""
    elif output == "json":
        stdout = to_json(objects, single=single_name) if (objects or not errors) else ""
    elif output == "name":
        stdout = print_names(objects)
    elif output_kind == "jsonpath":
        stdout = (
            jsonpath_print(template, output_object(objects, single_name)) if (objects or not errors) else ""
        )
    elif output_kind == "custom-columns":
        stdout = (
            custom_columns_print(
                template, output_object(objects, single_name), no_headers=p.flags["no-headers"]
            )
            if (objects or not errors)
            else ""
        )
    else:
        show_kind = (
            len({o.kind for o in objects}) > 1 or any(a.lower() == "all" for a in p.args[0].split(","))
            if objects
            else False
        )
        stdout = get_table(
            objects,
            wide=output == "wide",
            now=cluster.clock.now(),
            show_kind=show_kind,
            namespace_column=all_ns,
            no_headers=p.flags["no-headers"],
            show_labels=p.flags["show-labels"],
        )
        if not stdout and not errors and not p.flags["ignore-not-found"]:
            namespaced = all(rt.namespaced for rt, _ in requests) and not all_ns
            stderr = f"No resources found in {ns} namespace.\n" if namespaced else "No resources found\n"
    if any(rt.kind == "Endpoints" for rt, _ in requests):
        stderr = ENDPOINTS_WARNING + stderr
    if errors:
        raise _partial(stdout, "\n".join(errors))
    return KubectlOutput(stdout, stderr)


def _check_output(output: str, output_kind: str, allowed: tuple[str, ...]) -> None:
    """kubectl's errors for an ``-o`` it has no printer for, or a template printer without its template
    (cli-runtime ``JSONPathPrintFlags``/kubectl ``CustomColumnsPrintFlags``). ``go-template``, the ``-file``
    forms and ``jsonpath-as-json`` are kubectl's but not built here."""
    if output_kind in ("jsonpath", "custom-columns") and output_kind in allowed:
        if output_kind == "jsonpath" and not output.partition("=")[2]:
            raise KubectlError("error: template format specified but no template given")
        if output_kind == "custom-columns" and not output.partition("=")[2]:
            raise KubectlError("error: custom-columns format specified but no custom columns given")
        return
    if output_kind in (
        "go-template",
        "go-template-file",
        "template",
        "templatefile",
        "jsonpath-file",
        "jsonpath-as-json",
        "custom-columns-file",
    ):
        raise KubectlError(
            f"error: k8snet does not model -o {output_kind}; use -o jsonpath or -o custom-columns"
        )
    if output not in allowed:
        raise KubectlError(
            f'error: unable to match a printer suitable for the output format "{output}", '
            "allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,"
            "json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml"
        )


#: kube-apiserver v1.33+ answers every request on v1 Endpoints with this deprecation warning (KEP-4974);
#: kubectl prints each distinct warning once per invocation.
ENDPOINTS_WARNING = "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n"


def _partial(stdout: str, err: str) -> KubectlError:
    e = KubectlError(err)
    e.stdout = stdout  # type: ignore[attr-defined]
    return e


def _cmd_describe(cluster: KubectlCluster, words: list[str], stdin: str | None) -> KubectlOutput:
    p = parse_flags(
        "describe",
        words,
        [
            Flag("selector", "l"),
            Flag("all-namespaces", "A", "bool", False),
            Flag("show-events", kind="bool", default=True),
            Flag("filename", "f", "list"),
        ],
    )
    ns = p.flags["namespace"] or "default"
    if not p.args:
        raise KubectlError(
            'You must specify the type of resource to describe. Use "kubectl api-resources" for a '
            "complete list of supported resources.\n\nerror: Required resource not specified.\n"
            "See 'kubectl describe -h' for help and examples"
        )
    if "/" in p.args[0]:
        t, name = p.args[0].split("/", 1)
        rt, names = resolve_resource(t), [name]
    else:
        rt, names = resolve_resource(p.args[0]), p.args[1:]
    if rt.kind not in ("Service", "Endpoints", "EndpointSlice", "Pod", "Deployment"):
        raise KubectlError(f"error: describe {rt.plural} is not implemented by k8snet")
    objs = []
    if not names:
        objs = _list(cluster, rt.kind, None if p.flags["all-namespaces"] else ns, p.flags["selector"])
        if not objs:
            warn = ENDPOINTS_WARNING if rt.kind == "Endpoints" else ""
            return KubectlOutput("", f"{warn}No resources found in {ns} namespace.\n")
    for name in names:
        try:
            objs.append(cluster.api.get(rt.kind, name, ns))
        except NotFoundError:
            # describe falls back to every object whose name starts with the argument
            matches = [o for o in _list(cluster, rt.kind, ns) if o.metadata.name.startswith(name)]
            if not matches:
                raise
            objs.extend(matches)
    texts = []
    for obj in objs:
        slices = []
        if obj.kind == "Service":
            slices = [
                s
                for s in _list(cluster, "EndpointSlice", obj.metadata.namespace)
                if (s.metadata.labels or {}).get("kubernetes.io/service-name") == obj.metadata.name
            ]
        events = None
        if p.flags["show-events"]:
            events = [e for e in _list(cluster, "Event", obj.metadata.namespace) if _involves(e, obj)]
        rss = _list(cluster, "ReplicaSet", obj.metadata.namespace) if obj.kind == "Deployment" else []
        texts.append(describe_obj(obj, slices, events, cluster.clock.now(), replica_sets=rss))
    return KubectlOutput("\n\n".join(texts), ENDPOINTS_WARNING if rt.kind == "Endpoints" else "")


def _involves(event: Any, obj: Any) -> bool:
    ref = event.involvedObject
    if ref is None or ref.name != obj.metadata.name or ref.kind != obj.kind:
        return False
    if ref.uid and obj.metadata.uid and ref.uid != obj.metadata.uid:
        return False
    return (ref.namespace or obj.metadata.namespace) == obj.metadata.namespace


def _parse_labels(spec: str, cmd: str) -> dict[str, str]:
    labels = {}
    for part in spec.split(","):
        if "=" not in part:
            raise KubectlError(f"error: invalid label spec: {part}")
        k, v = part.split("=", 1)
        labels[k] = v
    return labels


def _create(cluster: KubectlCluster, obj: Any) -> tuple[Any, str]:
    """Create ``obj``; return the stored object and the ``Warning:`` lines of that request."""
    stored = cluster.api.create(obj)
    warnings = _warnings(cluster)  # read before the controllers run: every request resets them
    cluster.reconcile()
    return stored, warnings


def _update(cluster: KubectlCluster, obj: Any) -> tuple[Any, str]:
    stored = cluster.api.update(obj)
    warnings = _warnings(cluster)
    cluster.reconcile()
    return stored, warnings


def _cmd_run(cluster: KubectlCluster, words: list[str], stdin: str | None) -> KubectlOutput:
    from ..api.core_v1 import Pod

    p = parse_flags(
        "run",
        words,
        [
            Flag("image"),
            Flag("port"),
            Flag("labels", "l"),
            Flag("restart"),
            Flag("env", kind="list"),
            Flag("command", kind="bool", default=False),
            Flag("image-pull-policy"),
            Flag("annotations", kind="list"),
            Flag("expose", kind="bool", default=False),
        ]
        + DRY_RUN_FLAGS,
    )
    if not p.args:
        raise _usage_error("run", "NAME is required for run")
    if p.flags["expose"] and not p.flags["port"]:
        raise _usage_error("run", "--port must be set when exposing a service")
    name = p.args[0]
    image = p.flags["image"]
    if not image:
        raise _usage_error("run", "--image is required")
    restart = p.flags["restart"] or "Always"
    if restart not in ("Always", "OnFailure", "Never"):
        raise KubectlError(f"error: invalid restart policy: {restart}")
    labels = _parse_labels(p.flags["labels"], "run") if p.flags["labels"] else {"run": name}
    container: dict[str, Any] = {"name": name, "image": image}
    extra = p.args[1:] + p.after_dash
    if extra:
        container["command" if p.flags["command"] else "args"] = extra
    if p.flags["env"]:
        container["env"] = [
            dict(zip(("name", "value"), e.split("=", 1), strict=False)) for e in p.flags["env"]
        ]
    if p.flags["image-pull-policy"]:
        container["imagePullPolicy"] = p.flags["image-pull-policy"]
    if p.flags["port"]:
        try:
            container["ports"] = [{"containerPort": int32(atoi(p.flags["port"]))}]
        except NumError as err:
            raise KubectlError(f"error: {err}") from None
    pod = Pod.model_validate(
        {
            "metadata": {"name": name, "labels": labels},
            "spec": {"containers": [container], "restartPolicy": restart, "dnsPolicy": "ClusterFirst"},
        }
    )
    pod_out = _create_or_print(cluster, p, pod, "created")
    if not p.flags["expose"]:
        return pod_out
    # run.go: the Pod is created first, then generateService creates and prints the Service (ServiceGeneratorV2:
    # named after the pod, selecting its labels, one TCP port whose targetPort is the port); the Pod is printed
    # last, after a "---" between the two when the output is YAML
    from ..api.core_v1 import Service

    meta: dict[str, Any] = {"name": name}
    if p.flags["labels"]:
        meta["labels"] = dict(labels)
    port = int(p.flags["port"])
    svc = Service.model_validate(
        {
            "metadata": meta,
            "spec": {
                "selector": dict(labels),
                "ports": [{"port": port, "protocol": "TCP", "targetPort": port}],
            },
        }
    )
    svc_out = _create_or_print(cluster, p, svc, "created")
    sep = "---\n" if (p.flags["output"] or "") == "yaml" else ""
    return KubectlOutput(svc_out + sep + pod_out, svc_out.stderr + pod_out.stderr)


DRY_RUN_FLAGS = [Flag("dry-run", default="none"), Flag("output", "o")]


def _create_or_print(
    cluster: KubectlCluster,
    p: Parsed,
    obj: Any,
    verb: str,
    wrap: Callable[[K8snetError], K8snetError] | None = None,
) -> KubectlOutput:
    """Create ``obj`` (or, with ``--dry-run=client``, only print it) and print like kubectl's printer flags:
    ``kind/name <verb>`` by default, ``(dry run)`` appended for a client dry run and ``(server dry run)`` for a
    server one (``PrintFlagsWithDryRunStrategy``), or the object with ``-o``.

    The object sent carries a namespace only when ``-n`` was given (``EnforceNamespace``); the server fills in
    the default namespace otherwise. ``wrap`` turns the API server's error into the command's own (``create
    service`` says ``failed to create ClusterIP service: ...``).
    """
    dry = _dry_run_strategy(p)
    output = p.flags["output"] or ""
    if output not in ("", "yaml", "json", "name"):
        raise KubectlError(
            f'error: unable to match a printer suitable for the output format "{output}", '
            "allowed formats are: json,name,yaml"
        )
    if "namespace" in p.set:
        obj.metadata.namespace = p.flags["namespace"]
    try:
        if dry == "client":
            shown, warnings, suffix = obj, "", " (dry run)"
        elif dry == "server":
            from .apply import maybe_dry_run

            shown = maybe_dry_run(cluster.api, "server", lambda: cluster.api.create(obj))
            warnings, suffix = _warnings(cluster), " (server dry run)"
        else:
            shown, warnings = _create(cluster, obj)
            suffix = ""
    except K8snetError as err:
        if wrap is None:
            raise
        raise wrap(err) from None
    if output == "yaml":
        return KubectlOutput(to_yaml([shown]), warnings)
    if output == "json":
        return KubectlOutput(to_json([shown]), warnings)
    if output == "name":
        return KubectlOutput(f"{resource_name(shown)}\n", warnings)
    return KubectlOutput(f"{resource_name(shown)} {verb}{suffix}\n", warnings)


def _container_name(image: str) -> str:
    """``buildPodSpec`` in create_deployment.go: the last path element, without tag or digest."""
    name = image.split("/")[-1]
    name = name.split(":")[0]
    name = name.split("@")[0]
    return name


def _cmd_create(cluster: KubectlCluster, words: list[str], stdin: str | None) -> KubectlOutput:
    sub = words[0] if words else ""
    if sub in ("deployment", "deploy"):
        return _create_deployment(cluster, words[1:])
    if sub in ("namespace", "ns"):
        return _create_namespace(cluster, words[1:])
    if sub in ("service", "svc"):
        return _create_service(cluster, words[1:])
    if sub in ("configmap", "cm"):
        return _create_configmap(cluster, words[1:])
    if sub == "secret":
        return _create_secret(cluster, words[1:])
    if sub in _CREATE_NOT_MODELLED:
        raise KubectlError(
            f"error: k8snet does not model `kubectl create {sub}`; write the manifest and use create -f"
        )
    p = parse_flags(
        "create",
        words,
        [
            Flag("filename", "f", "list"),
            Flag("recursive", "R", "bool", False),
            Flag("dry-run", default="none"),
            Flag("output", "o"),
            Flag("validate", default="strict"),
            Flag("save-config", kind="bool", default=False),
        ],
    )
    if p.args:
        raise KubectlError(f'error: unknown command "{p.args[0]}" for "kubectl create"')
    if not p.flags["filename"]:
        raise KubectlError(
            'error: must specify one of -f and -k\n\nerror: required flag(s) "filename" not set'
        )
    return _write_files(cluster, p, stdin, "create")


#: ``kubectl create`` subcommands kubectl has that k8snet does not build (each is said so, not guessed at).
_CREATE_NOT_MODELLED = (
    "clusterrole",
    "clusterrolebinding",
    "cronjob",
    "cj",
    "ingress",
    "ing",
    "job",
    "poddisruptionbudget",
    "pdb",
    "priorityclass",
    "pc",
    "quota",
    "resourcequota",
    "role",
    "rolebinding",
    "serviceaccount",
    "sa",
    "token",
)


def _name_from_args(p: Parsed, cmd: str) -> str:
    """``NameFromCommandArgs``: exactly one NAME."""
    if len(p.args) != 1:
        raise _usage_error(cmd, f"exactly one NAME is required, got {len(p.args)}")
    return p.args[0]


def _create_namespace(cluster: KubectlCluster, words: list[str]) -> KubectlOutput:
    """``kubectl create namespace NAME`` (create_namespace.go: the server's error is returned as is)."""
    from ..api.core_v1 import Namespace

    p = parse_flags(
        "create namespace", words, DRY_RUN_FLAGS + [Flag("save-config", kind="bool", default=False)]
    )
    name = _name_from_args(p, "create namespace")
    p.set.discard("namespace")  # a Namespace carries no namespace
    return _create_or_print(cluster, p, Namespace.model_validate({"metadata": {"name": name}}), "created")


_SERVICE_TYPES = {
    "clusterip": "ClusterIP",
    "nodeport": "NodePort",
    "loadbalancer": "LoadBalancer",
    "externalname": "ExternalName",
}


def _parse_service_port(spec: str) -> tuple[int, int | str]:
    """create_service.go ``parsePorts``: ``port[:targetPort]``; the port is ``utilsnet.ParsePort`` (0 allowed), a
    target port a number (1-65535) or an IANA port name."""
    from ..apiserver.validation import is_valid_port_name, is_valid_port_num

    head, _, tail = spec.partition(":")
    if not head.isascii() or not head.isdigit():
        raise KubectlError(f'error: strconv.ParseUint: parsing "{head}": invalid syntax')
    if int(head) > 65535:
        raise KubectlError(f'error: strconv.ParseUint: parsing "{head}": value out of range')
    port = int(head)
    if ":" not in spec:
        return port, port
    target = spec.split(":")[1]
    if target.lstrip("+-").isdigit() and target.isascii():
        errs = is_valid_port_num(int(target))
        if errs:
            raise KubectlError("error: " + ",".join(errs))
        return port, int(target)
    errs = is_valid_port_name(target)
    if errs:
        raise KubectlError("error: " + ",".join(errs))
    return port, target


def _create_service(cluster: KubectlCluster, words: list[str]) -> KubectlOutput:
    """``kubectl create service clusterip|nodeport|loadbalancer|externalname NAME`` (create_service.go):
    labels and selector ``app=NAME``, one port ``<port>-<targetPort>`` per ``--tcp``; ``--clusterip=None``
    for a headless Service, ``--node-port`` for every port of a NodePort one, ``--external-name``."""
    from ..api.core_v1 import Service
    from ..apiserver.validation import is_dns1123_subdomain

    sub = words[0] if words else ""
    if sub not in _SERVICE_TYPES:
        if not sub or sub.startswith("-"):
            # kubectl (cmdutil.DefaultSubCommandRun) prints the command's help here and exits 1; k8snet says
            # what the help would tell
            raise KubectlError(
                "error: a service type is required: clusterip, externalname, loadbalancer or nodeport\n"
                "See 'kubectl create service -h' for help and examples"
            )
        # DefaultSubCommandRun's RequireNoArguments: every argument, joined
        raise _usage_error(
            "create service", f'unknown command "{" ".join(w for w in words if not w.startswith("-"))}"'
        )
    stype = _SERVICE_TYPES[sub]
    cmd = f"create service {sub}"
    flags = DRY_RUN_FLAGS + [Flag("tcp", kind="list"), Flag("save-config", kind="bool", default=False)]
    if stype == "ClusterIP":
        flags.append(Flag("clusterip"))
    if stype == "NodePort":
        flags.append(Flag("node-port", kind="int", default=0))
    if stype == "ExternalName":
        flags.append(Flag("external-name"))
    p = parse_flags(cmd, words[1:], flags)
    name = _name_from_args(p, cmd)
    if stype == "ExternalName" and "external-name" not in p.set:
        raise KubectlError('error: required flag(s) "external-name" not set')
    tcp = [t for value in p.flags["tcp"] for t in value.split(",")]  # a string slice flag
    cluster_ip = p.flags.get("clusterip") or ""
    if cluster_ip == "None" and stype != "ClusterIP":
        raise KubectlError("error: ClusterIP=None can only be used with ClusterIP service type")
    if cluster_ip != "None" and not tcp and stype != "ExternalName":
        raise KubectlError("error: at least one tcp port specifier must be provided")
    external = p.flags.get("external-name") or ""
    if stype == "ExternalName" and is_dns1123_subdomain(external):
        raise KubectlError(f"error: invalid service external name {external}")
    ports = []
    for spec in tcp:
        port, target = _parse_service_port(spec)
        entry: dict[str, Any] = {
            "name": spec.replace(":", "-"),
            "port": port,
            "protocol": "TCP",
            "targetPort": target,
        }
        if p.flags.get("node-port"):
            entry["nodePort"] = p.flags["node-port"]
        ports.append(entry)
    body: dict[str, Any] = {"type": stype, "selector": {"app": name}}
    if ports:
        body["ports"] = ports
    if external:
        body["externalName"] = external
    if cluster_ip:
        body["clusterIP"] = cluster_ip
    svc = Service.model_validate({"metadata": {"name": name, "labels": {"app": name}}, "spec": body})

    def wrap(err: K8snetError) -> K8snetError:
        # create_service.go: fmt.Errorf("failed to create %s service: %v", o.Type, err): the status message
        return KubectlError(f"error: failed to create {stype} service: {_status_message(err)}")

    return _create_or_print(cluster, p, svc, "created", wrap)


def _status_message(err: K8snetError) -> str:
    """``StatusError.Error()``: the API status message, without kubectl's ``Error from server (...)`` prefix."""
    from ..errors import InvalidError
    from .apply import invalid_status_message

    if isinstance(err, InvalidError):
        return invalid_status_message(err)
    text = str(err)
    if text.startswith("Error from server ("):
        return text.split("): ", 1)[1]
    return text


def _literal_sources(values: list[str]) -> list[tuple[str, str]]:
    """``util.ParseLiteralSource``: ``key=value``, split at the first ``=``."""
    out = []
    for source in values:
        if source.startswith("=") or "=" not in source:
            raise KubectlError(f"error: invalid literal source {source}, expected key=value")
        key, value = source.split("=", 1)
        out.append((key, value))
    return out


def _file_sources(values: list[str]) -> list[tuple[str, bytes]]:
    """``util.ParseFileSource`` and the file reading of create configmap/secret: ``[key=]path``; a directory
    contributes its regular files."""
    out: list[tuple[str, bytes]] = []
    for source in values:
        key, eq, path = source.partition("=")
        if not eq:
            key, path = os.path.basename(source), source
        elif not key or not path:
            raise KubectlError(
                f"error: key name for file path {path} missing"
                if not key
                else "error: file path for key name missing"
            )
        if not os.path.exists(path):
            raise KubectlError(f"error: error reading {path}: no such file or directory")
        if os.path.isdir(path):
            if eq:
                raise KubectlError("error: cannot give a key name for a directory path")
            for entry in sorted(os.listdir(path)):
                full = os.path.join(path, entry)
                if os.path.isfile(full):
                    out.append((entry, open(full, "rb").read()))
            continue
        out.append((key, open(path, "rb").read()))
    return out


def _create_configmap(cluster: KubectlCluster, words: list[str]) -> KubectlOutput:
    """``kubectl create configmap NAME --from-literal=k=v --from-file=[k=]path`` (create_configmap.go)."""
    from ..api.core_v1 import ConfigMap
    from ..apiserver.validation.util import is_config_map_key

    p = parse_flags(
        "create configmap",
        words,
        DRY_RUN_FLAGS
        + [
            Flag("from-literal", kind="list"),
            Flag("from-file", kind="list"),
            Flag("save-config", kind="bool", default=False),
        ],
    )
    name = _name_from_args(p, "create configmap")
    data: dict[str, str] = {}
    binary: dict[str, str] = {}

    def add(key: str, value: str | bytes) -> None:
        errs = is_config_map_key(key)
        if errs:
            raise KubectlError(f'error: "{key}" is not a valid key name for a ConfigMap: {",".join(errs)}')
        if key in data:
            raise KubectlError(
                f'error: cannot add key "{key}", another key by that name already exists in Data for ConfigMap "{name}"'
            )
        if key in binary:
            raise KubectlError(
                f'error: cannot add key "{key}", another key by that name already exists in BinaryData for '
                f'ConfigMap "{name}"'
            )
        if isinstance(value, bytes):
            try:
                data[key] = value.decode("utf-8")
            except UnicodeDecodeError:
                import base64

                binary[key] = base64.b64encode(value).decode("ascii")
        else:
            data[key] = value

    for key, content in _file_sources(p.flags["from-file"]):
        add(key, content)
    for key, literal in _literal_sources(p.flags["from-literal"]):
        add(key, literal)
    body: dict[str, Any] = {"metadata": {"name": name}}
    if data:
        body["data"] = data
    if binary:
        body["binaryData"] = binary
    return _create_or_print(
        cluster,
        p,
        ConfigMap.model_validate(body),
        "created",
        lambda err: KubectlError(f"error: failed to create configmap: {_status_message(err)}"),
    )


def _create_secret(cluster: KubectlCluster, words: list[str]) -> KubectlOutput:
    """``kubectl create secret generic NAME --from-literal=k=v --from-file=[k=]path [--type=T]``
    (create_secret.go); the other secret types are not built here."""
    import base64

    from ..api.core_v1 import Secret
    from ..apiserver.validation.util import is_config_map_key

    sub = words[0] if words else ""
    if sub in ("docker-registry", "tls"):
        raise KubectlError(f"error: k8snet does not model `kubectl create secret {sub}`; write the manifest")
    if sub != "generic":
        # as for create service: kubectl prints the help when no type is given
        raise _usage_error(
            "create secret",
            f'unknown command "{" ".join(w for w in words if not w.startswith("-"))}"'
            if sub
            else "a secret type is required",
        )
    p = parse_flags(
        "create secret generic",
        words[1:],
        DRY_RUN_FLAGS
        + [
            Flag("from-literal", kind="list"),
            Flag("from-file", kind="list"),
            Flag("type"),
            Flag("save-config", kind="bool", default=False),
        ],
    )
    name = _name_from_args(p, "create secret generic")
    data: dict[str, str] = {}
    entries: list[tuple[str, bytes]] = [
        (k, v.encode("utf-8")) for k, v in _literal_sources(p.flags["from-literal"])
    ]
    entries += _file_sources(p.flags["from-file"])
    for key, value in entries:
        errs = is_config_map_key(key)
        if errs:
            raise KubectlError(f'error: "{key}" is not valid key name for a Secret {";".join(errs)}')
        if key in data:
            raise KubectlError(f"error: cannot add key {key}, another key by that name already exists")
        data[key] = base64.b64encode(value).decode("ascii")
    body: dict[str, Any] = {"metadata": {"name": name}}
    if data:
        body["data"] = data
    if p.flags.get("type"):
        body["type"] = p.flags["type"]
    return _create_or_print(
        cluster,
        p,
        Secret.model_validate(body),
        "created",
        lambda err: KubectlError(f"error: failed to create secret: {_status_message(err)}"),
    )


def _create_deployment(cluster: KubectlCluster, words: list[str]) -> KubectlOutput:
    from ..api.apps_v1 import Deployment

    p = parse_flags(
        "create deployment",
        words,
        [
            Flag("image", kind="list"),
            Flag("port", kind="int32", default=-1),
            Flag("replicas", "r", "int32", 1),
        ]
        + DRY_RUN_FLAGS,
    )
    if len(p.args) != 1:
        raise _usage_error("create deployment", f"exactly one NAME is required, got {len(p.args)}")
    images = p.flags["image"]
    if not images:
        raise KubectlError('error: required flag(s) "image" not set')
    name = p.args[0]
    labels = {"app": name}
    containers = []
    for img in images:
        c: dict[str, Any] = {"name": _container_name(img), "image": img}
        if p.after_dash:
            c["command"] = list(p.after_dash)
        containers.append(c)
    if p.flags["port"] >= 0:
        containers[0]["ports"] = [{"containerPort": p.flags["port"]}]
    dep = Deployment.model_validate(
        {
            "metadata": {"name": name, "labels": labels},
            "spec": {
                "replicas": p.flags["replicas"],
                "selector": {"matchLabels": dict(labels)},
                "template": {"metadata": {"labels": dict(labels)}, "spec": {"containers": containers}},
            },
        }
    )
    return _create_or_print(cluster, p, dep, "created")


def _ports_and_protocols(obj: Any) -> tuple[list[str], dict[str, list[str]]]:
    """``portsForObject`` / ``protocolsForObject`` in kubectl ``pkg/polymorphichelpers``."""
    ports: list[str] = []
    protocols: dict[str, list[str]] = {}
    if obj.kind == "Service":
        for sp in obj.spec.ports or []:
            ports.append(str(sp.port))
            protocols.setdefault(str(sp.port), []).append(sp.protocol or "")
        return ports, protocols
    if obj.kind == "Pod":
        containers = obj.spec.containers
    else:
        containers = obj.spec.template.spec.containers
    for c in containers or []:
        for cp in c.ports or []:
            ports.append(str(cp.containerPort))
            protocols.setdefault(str(cp.containerPort), []).append(cp.protocol or "")
    return ports, protocols


def _selector_for(obj: Any) -> dict[str, str]:
    """``mapBasedSelectorForObject``."""
    if obj.kind == "Pod":
        if not obj.metadata.labels:
            raise KubectlError("error: the pod has no labels and cannot be exposed")
        return dict(obj.metadata.labels)
    if obj.kind == "Service":
        if not obj.spec.selector:
            raise KubectlError("error: the service has no pod selector set")
        return dict(obj.spec.selector)
    sel = obj.spec.selector
    if sel is not None and sel.matchExpressions:
        raise KubectlError(
            f'error: couldn\'t convert expressions - "{sel.matchExpressions!r}" to map-based selector format'
        )
    return dict(sel.matchLabels or {}) if sel is not None else {}


def _cmd_expose(cluster: KubectlCluster, words: list[str], stdin: str | None) -> KubectlOutput:
    from ..api.core_v1 import Service

    p = parse_flags(
        "expose",
        words,
        [
            Flag("port"),
            Flag("target-port"),
            Flag("type"),
            Flag("name"),
            Flag("protocol"),
            Flag("selector"),
            Flag("external-ip"),
            Flag("load-balancer-ip"),
            Flag("labels", "l"),
            Flag("session-affinity"),
            Flag("cluster-ip"),
            Flag("port-name"),
            Flag("filename", "f", "list"),
        ]
        + DRY_RUN_FLAGS,
    )
    ns = p.flags["namespace"] or "default"
    if not p.args:
        raise _usage_error(
            "expose",
            "You must provide one or more resources by argument or filename.\n"
            "Example resource specifications include:\n   '-f rsrc.yaml'\n   "
            "'--resource=rsrc.json'",
        )
    if "/" in p.args[0]:
        t, name = p.args[0].split("/", 1)
    else:
        t, name = p.args[0], (p.args[1] if len(p.args) > 1 else "")
    rt = resolve_resource(t)
    if rt.kind not in ("Pod", "Service", "Deployment", "ReplicaSet"):
        raise KubectlError(f"error: cannot expose a {rt.kind}")
    obj = cluster.api.get(rt.kind, name, ns)
    selector = _parse_labels(p.flags["selector"], "expose") if p.flags["selector"] else _selector_for(obj)
    if p.flags["port"]:
        port_list = p.flags["port"].split(",")
        proto_map: dict[str, list[str]] = {}
        _, proto_map = _ports_and_protocols(obj)
    else:
        port_list, proto_map = _ports_and_protocols(obj)
        if not port_list:
            raise _usage_error("expose", "couldn't find port via --port flag or introspection")
    ports = []
    for i, port_str in enumerate(port_list):
        try:
            port = int32(atoi(port_str))  # strconv.Atoi, then ServicePort{Port: int32(port)}
        except NumError as err:
            raise KubectlError(f"error: {err}") from None
        pname = p.flags["port-name"] or ""
        if len(port_list) > 1:
            pname = f"port-{i + 1}"
        protocol = p.flags["protocol"] or ""
        if not protocol and not proto_map:
            protocol = "TCP"
        elif not protocol and proto_map:
            protocol = "TCP"
            exposed = proto_map.get(port_str)
            if exposed is not None:
                if len(exposed) == 1:
                    protocol = exposed[0]
                else:
                    for proto in exposed:
                        ports.append(
                            {"name": f"port-{port}-{proto.lower()}", "port": port, "protocol": proto}
                        )
                    continue
        entry: dict[str, Any] = {"port": port, "protocol": protocol}
        if pname:
            entry["name"] = pname
        ports.append(entry)
    target = p.flags["target-port"]
    for entry in ports:
        if target:
            entry["targetPort"] = _intstr_parse(target)
        else:
            entry["targetPort"] = entry["port"]
        if entry["protocol"] == "":
            del entry["protocol"]
    labels = (
        _parse_labels(p.flags["labels"], "expose") if p.flags["labels"] else dict(obj.metadata.labels or {})
    )
    spec: dict[str, Any] = {"selector": selector, "ports": ports}
    if p.flags["external-ip"]:
        spec["externalIPs"] = [p.flags["external-ip"]]
    if p.flags["type"]:
        spec["type"] = p.flags["type"]
    if spec.get("type") == "LoadBalancer" and p.flags["load-balancer-ip"]:
        spec["loadBalancerIP"] = p.flags["load-balancer-ip"]
    if p.flags["session-affinity"]:
        spec["sessionAffinity"] = p.flags["session-affinity"]
    if p.flags["cluster-ip"]:
        spec["clusterIP"] = p.flags["cluster-ip"]
    svc_name = p.flags["name"] or name
    meta: dict[str, Any] = {"name": svc_name}
    if labels:
        meta["labels"] = labels
    svc = Service.model_validate({"metadata": meta, "spec": spec})
    return _create_or_print(cluster, p, svc, "exposed")


def _dry_run_strategy(p: Parsed) -> str:
    """``cmdutil.GetDryRunStrategy``: ``none``, ``client`` or ``server`` (booleans are the deprecated forms)."""
    dry = p.flags.get("dry-run") or "none"
    if dry.lower() in ("true", "1", "t"):
        return "client"
    if dry.lower() in ("false", "0", "f"):
        return "none"
    if dry not in ("none", "client", "server"):
        raise KubectlError(f'error: Invalid dry-run value ({dry}). Must be "none", "server", or "client".')
    return dry


def _print_applied(report: Any, output: str) -> str:
    """``-o yaml|json|name`` after an apply or create: the objects (a ``List`` for several) or their names."""
    if output == "name":
        return "".join(f"{resource_name(o)}\n" for o in report.applied)
    if output == "yaml":
        return to_yaml(report.applied, single=len(report.applied) == 1) if report.applied else ""
    if output == "json":
        return to_json(report.applied, single=len(report.applied) == 1) if report.applied else ""
    return report.stdout


def _write_files(cluster: KubectlCluster, p: Parsed, stdin: str | None, verb: str) -> KubectlOutput:
    """``apply -f`` / ``create -f``: read every ``-f`` source, write each object on its own, report as kubectl."""
    from .apply import apply_documents, create_documents

    dry = _dry_run_strategy(p)
    if dry == "client" and p.flags.get("server-side"):
        raise KubectlError(
            "error: --dry-run=client doesn't work with --server-side (did you mean --dry-run=server instead?)"
        )
    output = p.flags.get("output") or ""
    if output not in ("", "yaml", "json", "name"):
        raise KubectlError(
            f'error: unable to match a printer suitable for the output format "{output}", '
            "allowed formats are: json,name,yaml"
        )
    docs = read_filenames(p.flags["filename"], stdin, p.flags.get("recursive", False))
    write = apply_documents if verb == "apply" else create_documents
    report = write(
        cluster.api,
        docs,
        namespace=p.flags["namespace"] or "default",
        enforce_namespace="namespace" in p.set,
        dry_run=dry,
        after_each=cluster.reconcile,
        resource_name=resource_name,
    )
    if report.error is not None:
        # the one error itself (InvalidError, ...) or an ApplyError, each with what was printed before it;
        # -o yaml|json prints objects only when everything succeeded (PrintAndPrunePostProcessor)
        report.stdout = _print_applied(report, output) if output in ("", "name") else ""
        report.raise_for_errors()
    if not report.applied:
        raise KubectlError(f"error: no objects passed to {verb}")
    return KubectlOutput(_print_applied(report, output), report.warnings)


def _intstr_parse(value: str) -> int | str:
    """``intstr.Parse``: a number when ``strconv.Atoi`` reads one (then ``FromInt``'s ``int32(...)``, which
    wraps), else the string as a port name, for the API server to judge.

    >>> _intstr_parse("8080"), _intstr_parse("http"), _intstr_parse("²"), _intstr_parse("4294967376")
    (8080, 'http', '²', 80)
    """
    try:
        return int32(atoi(value))
    except NumError:
        return value


def _cmd_apply(cluster: KubectlCluster, words: list[str], stdin: str | None) -> KubectlOutput:
    """``kubectl apply -f``: see :mod:`k8snet.kubectl.apply` for what happens to each object and what is
    printed when some fail."""
    p = parse_flags(
        "apply",
        words,
        [
            Flag("filename", "f", "list"),
            Flag("server-side", kind="bool", default=False),
            Flag("recursive", "R", "bool", False),
            Flag("dry-run", default="none"),
            Flag("output", "o"),
            Flag("validate", default="strict"),
        ],
    )
    if not p.flags["filename"]:
        raise KubectlError("error: must specify one of -f and -k")
    return _write_files(cluster, p, stdin, "apply")


def _cmd_scale(cluster: KubectlCluster, words: list[str], stdin: str | None) -> KubectlOutput:
    """``kubectl scale`` (kubectl ``pkg/cmd/scale/scale.go``, ``pkg/scale/scale.go``): without a precondition it
    sends a merge patch ``{"spec":{"replicas":N}}`` to the scale subresource, with N as Go's ``uint``, so a count
    beyond int32 reaches the server, whose decoding of the patched Scale fails (HTTP 422). With
    ``--current-replicas`` it reads the Scale, checks the precondition and writes back ``int32(N)``, which wraps
    (a negative result fails ``ValidateScale``)."""
    p = parse_flags(
        "scale",
        words,
        [Flag("replicas", kind="int", default=None), Flag("current-replicas", kind="int", default=-1)],
    )
    if p.flags["replicas"] is None:
        raise KubectlError('error: required flag(s) "replicas" not set')
    replicas, current = p.flags["replicas"], p.flags["current-replicas"]
    check_scale_counts(replicas, current)
    if not p.args:
        raise _usage_error(
            "scale",
            "You must provide one or more resources by argument or filename.\n"
            "Example resource specifications include:\n   '-f rsrc.yaml'\n   "
            "'--resource=rsrc.json'",
        )
    if "/" in p.args[0]:
        t, name = p.args[0].split("/", 1)
    else:
        t, name = p.args[0], (p.args[1] if len(p.args) > 1 else "")
    rt, warnings = scale(cluster, t, name, replicas, p.flags["namespace"] or "default", current)
    return KubectlOutput(f"{kind_string(rt.kind)}/{name} scaled\n", warnings)


def check_scale_counts(replicas: int, current: int = -1) -> None:
    """``ScaleOptions.Validate``: ``--replicas`` at least 0, ``--current-replicas`` at least -1 (-1: no
    precondition).

    >>> check_scale_counts(-1)
    Traceback (most recent call last):
    ...
    k8snet.errors.KubectlError: error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0
    """
    if replicas < 0:
        raise KubectlError(
            "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0"
        )
    if current < -1:
        raise KubectlError("error: The --current-replicas must specify an integer of -1 or greater")


#: The kinds whose scale subresource k8snet serves (``apps/v1`` Deployments, ReplicaSets and StatefulSets, core/v1
#: ReplicationControllers, as the registries do); kubectl's scale request for any other kind gets the API server's
#: 404 for the missing subresource.
SCALABLE_KINDS = ("Deployment", "ReplicaSet", "StatefulSet", "ReplicationController")


def scale(
    cluster: KubectlCluster,
    resource: str,
    name: str,
    replicas: int,
    namespace: str = "default",
    current: int = -1,
) -> tuple[APIResource, str]:
    """``kubectl scale <resource> <name> --replicas=N [--current-replicas=C]`` after its flags are parsed
    (``replicas`` ≥ 0): read the object (NotFound as ``kubectl get`` says it), then write ``spec.replicas`` through
    the scale subresource; returns the resource type and the ``Warning:`` text. A kind without a scale
    subresource (a Service, a Pod) is the server's 404, ``the server could not find the requested resource``
    (what kubectl prints for ``kubectl scale svc web --replicas=2``). The counts are checked first
    (:func:`check_scale_counts`).

    >>> from k8snet.sim.cluster import Cluster
    >>> c = Cluster(preset="minikube")
    >>> _ = c.kubectl("create service clusterip web --tcp=80")
    >>> scale(c, "svc", "web", 2)
    Traceback (most recent call last):
    ...
    k8snet.errors.KubectlError: Error from server (NotFound): the server could not find the requested resource
    """
    check_scale_counts(replicas, current)
    rt = resolve_resource(resource)
    obj = cluster.api.get(rt.kind, name, namespace)
    if rt.kind not in SCALABLE_KINDS:
        raise KubectlError("Error from server (NotFound): the server could not find the requested resource")
    obj = obj.model_copy(deep=True)
    if current == -1:
        if replicas > 2**31 - 1:
            # the patched Scale does not decode: NewInvalid(GroupKind{}, "", patch: Invalid value: <the JSON>)
            raise KubectlError(
                f"The request is invalid: patch: Invalid value: {go_quote(_patched_scale_json(obj, replicas))}: "
                f"json: cannot unmarshal number {replicas} into Go struct field ScaleSpec.spec.replicas of type int32"
            )
    else:
        have = obj.spec.replicas if obj.spec.replicas is not None else 1
        if have != current:
            raise KubectlError(f"error: Expected replicas to be {current}, was {have}")
        replicas = int32(replicas)
        if replicas < 0:  # ValidateScale: ValidateNonnegativeField(spec.replicas)
            raise KubectlError(
                f'The Scale "{name}" is invalid: spec.replicas: Invalid value: {replicas}: '
                "must be greater than or equal to 0"
            )
    obj.spec.replicas = replicas
    _, warnings = _update(cluster, obj)
    return rt, warnings


def _patched_scale_json(obj: Any, replicas: int) -> str:
    """The JSON the API server decodes after a merge patch of a Deployment's or ReplicaSet's Scale
    (``scaleFromDeployment``; evanphx/json-patch v4 ``MergePatch`` sorts the top-level keys and re-encodes the
    patched ``spec``, and keeps the untouched values as encoded: ObjectMeta in field order)."""
    import json

    from ..api.labels import label_selector_as_selector

    md = obj.metadata
    meta: dict[str, Any] = {"name": md.name, "namespace": md.namespace}
    if md.uid:
        meta["uid"] = md.uid
    if md.resourceVersion:
        meta["resourceVersion"] = md.resourceVersion
    if md.creationTimestamp is not None:
        meta["creationTimestamp"] = md.creationTimestamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    status: dict[str, Any] = {"replicas": (obj.status.replicas if obj.status is not None else 0) or 0}
    selector = str(label_selector_as_selector(obj.spec.selector))
    if selector:
        status["selector"] = selector
    doc = {
        "apiVersion": "autoscaling/v1",
        "kind": "Scale",
        "metadata": meta,
        "spec": {"replicas": replicas},
        "status": status,
    }
    return go_json_escape(json.dumps(doc, separators=(",", ":"), ensure_ascii=False))


def _cmd_label(cluster: KubectlCluster, words: list[str], stdin: str | None) -> KubectlOutput:
    p = parse_flags(
        "label", words, [Flag("overwrite", kind="bool", default=False), Flag("list", kind="bool")]
    )
    args = list(p.args)
    if not args:
        raise _usage_error(
            "label", "one or more resources must be specified as <resource> <name> or <resource>/<name>"
        )
    if "/" in args[0]:
        t, name = args.pop(0).split("/", 1)
    else:
        t = args.pop(0)
        name = args.pop(0) if args else ""
    rt = resolve_resource(t)
    changes = [a for a in args if "=" in a or a.endswith("-")]
    if not changes:
        raise _usage_error("label", "at least one label update is required")
    ns = p.flags["namespace"] or "default"
    obj = cluster.api.get(rt.kind, name, ns).model_copy(deep=True)
    labels = dict(obj.metadata.labels or {})
    before = dict(labels)
    for c in changes:
        if c.endswith("-") and "=" not in c:
            labels.pop(c[:-1], None)
            continue
        k, v = c.split("=", 1)
        if k in labels and labels[k] != v and not p.flags["overwrite"]:
            raise KubectlError(f"error: '{k}' already has a value ({labels[k]}), and --overwrite is false")
        labels[k] = v
    if labels == before:
        return KubectlOutput(f"{kind_string(rt.kind)}/{name} not labeled\n")
    obj.metadata.labels = labels or None
    _, warnings = _update(cluster, obj)
    return KubectlOutput(f"{kind_string(rt.kind)}/{name} labeled\n", warnings)


def _cmd_delete(cluster: KubectlCluster, words: list[str], stdin: str | None) -> KubectlOutput:
    p = parse_flags(
        "delete",
        words,
        [
            Flag("filename", "f", "list"),
            Flag("selector", "l"),
            Flag("all", kind="bool", default=False),
            Flag("grace-period", kind="int", default=-1),
            Flag("now", kind="bool"),
            Flag("force", kind="bool", default=False),
            Flag("ignore-not-found", kind="bool", default=False),
            Flag("wait", kind="bool", default=True),
        ],
    )
    ns = p.flags["namespace"] or "default"
    targets: list[tuple[APIResource, str, str]] = []
    if p.flags["filename"]:
        for f in p.flags["filename"]:
            objs, _ = _load(f, stdin)
            targets.extend(
                (kind_class(o.kind).api_info, o.metadata.name, o.metadata.namespace or ns) for o in objs
            )
    elif p.args and "/" in p.args[0]:
        for a in p.args:
            t, name = a.split("/", 1)
            targets.append((resolve_resource(t), name, ns))
    elif p.args:
        types = [resolve_resource(t) for t in p.args[0].split(",")]
        names = p.args[1:]
        if not names and not p.flags["all"] and not p.flags["selector"]:
            raise KubectlError("error: resource(s) were provided, but no name was specified")
        for rt in types:
            if names:
                targets.extend((rt, n, ns) for n in names)
            else:
                targets.extend(
                    (rt, o.metadata.name, ns) for o in _list(cluster, rt.kind, ns, p.flags["selector"])
                )
    else:
        raise _usage_error(
            "delete",
            "You must provide one or more resources by argument or filename.\n"
            "Example resource specifications include:\n   '-f rsrc.yaml'\n   "
            "'--resource=rsrc.json'",
        )
    # delete.go Complete: --now is --grace-period=1; 0 without --force becomes 1 ("prevent accidental data loss")
    grace = p.flags["grace-period"]
    if p.flags["now"]:
        if grace != -1:
            raise KubectlError("error: --now and --grace-period cannot be specified together")
        grace = 1
    if grace == 0 and not p.flags["force"]:
        grace = 1
    if p.flags["force"] and grace < 0:
        grace = 0
    out: list[str] = []
    errors: list[str] = []
    for rt, name, namespace in targets:
        try:
            kwargs = {"grace_period_seconds": grace} if grace >= 0 else {}
            cluster.api.delete(rt.kind, name, namespace, **kwargs)
        except NotFoundError as e:
            if not p.flags["ignore-not-found"]:
                errors.append(str(e))
            continue
        except ForbiddenError as e:  # e.g. an immortal namespace; kubectl goes on with the others
            errors.append(str(e))
            continue
        cluster.reconcile()
        op = "force deleted" if grace == 0 else "deleted"
        if rt.namespaced:
            op = f"{op} from {namespace} namespace"
        out.append(f'{kind_string(rt.kind)} "{name}" {op}\n')
    if errors:
        raise _partial("".join(out), "\n".join(errors))
    if not targets and not p.flags["filename"]:
        return KubectlOutput("No resources found\n")
    return KubectlOutput("".join(out))


def _cmd_exec(cluster: KubectlCluster, words: list[str], stdin: str | None) -> KubectlOutput:
    """``kubectl exec [-c CONTAINER] POD -- COMMAND...`` (kubectl ``pkg/cmd/exec/exec.go``): the command runs in
    the container through the kubelet, which the model asks directly (``cluster.kubelet.exec``; only ``env``
    and ``printenv`` are modelled). A non-zero exit status is kubectl's "command terminated with exit code N"."""
    p = parse_flags(
        "exec",
        words,
        [
            Flag("container", "c"),
            Flag("stdin", "i", kind="bool", default=False),
            Flag("quiet", "q", kind="bool", default=False),
        ],
    )
    if len(p.args) > 1:
        # the form without "--" was deprecated and kubectl v1.34 refuses it (exec.go Complete)
        raise _usage_error(
            "exec", "exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead"
        )
    # ExecOptions.Validate: plain errors, no usage hint
    if not p.args:
        raise KubectlError("error: pod, type/name or --filename must be specified")
    if not p.after_dash:
        raise KubectlError("error: you must specify at least one command for the container")
    target = p.args[0]
    if "/" in target:
        t, target = target.split("/", 1)
        if resolve_resource(t).kind != "Pod":
            raise KubectlError(f"error: k8snet runs kubectl exec on Pods only, not {t}/{target}")
    ns = p.flags["namespace"] or "default"
    pod = cluster.api.get("Pod", target, ns)
    if pod.status and pod.status.phase in ("Succeeded", "Failed"):
        raise KubectlError(
            f"error: cannot exec into a container in a completed pod; current phase is {pod.status.phase}"
        )
    names = [c.name for c in pod.spec.containers]
    stderr = ""
    container = p.flags["container"]
    if container is None:
        # podcmd.FindOrDefaultContainerByName: the default-container annotation, else the first container
        default = (pod.metadata.annotations or {}).get("kubectl.kubernetes.io/default-container")
        container = default if default in names else names[0]
        every = [f"{c.name} (init)" for c in pod.spec.initContainers or []] + names
        if len(every) > 1 and not p.flags["quiet"]:
            stderr = f'Defaulted container "{container}" out of: {", ".join(every)}\n'
    elif container not in names:
        raise KubectlError(
            f"Error from server (BadRequest): container {container} is not valid for pod {pod.metadata.name}"
        )
    kubelet = getattr(cluster, "kubelet", None)
    if kubelet is None:
        raise KubectlError("error: this cluster has no kubelet to run the command")
    try:
        result = kubelet.exec(ns, pod.metadata.name, container, list(p.after_dash))
    except K8snetError as err:
        raise KubectlError(stderr + str(err)) from None
    if result.exit_code:
        raise _partial(result.stdout, f"{stderr}command terminated with exit code {result.exit_code}")
    return KubectlOutput(result.stdout, stderr)


_TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")


def _parse_taint(spec: str) -> tuple[str, str, str]:
    """``parseTaint`` (kubectl ``pkg/cmd/taint/utils.go``): ``key=value:Effect``, ``key:Effect`` or ``key``."""
    from ..apiserver.validation.util import is_qualified_name, is_valid_label_value

    parts = spec.split(":")
    value = effect = ""
    if len(parts) == 1:
        key = parts[0]
    elif len(parts) == 2:
        effect = parts[1]
        if effect not in _TAINT_EFFECTS:
            raise ValueError(f"invalid taint effect: {effect}, unsupported taint effect")
        kv = parts[0].split("=")
        if len(kv) > 2:
            raise ValueError(f"invalid taint spec: {spec}")
        key = kv[0]
        if len(kv) == 2:
            value = kv[1]
            errs = is_valid_label_value(value)
            if errs:
                raise ValueError(f"invalid taint spec: {spec}, {'; '.join(errs)}")
    else:
        raise ValueError(f"invalid taint spec: {spec}")
    errs = is_qualified_name(key)
    if errs:
        raise ValueError(f"invalid taint spec: {spec}, {'; '.join(errs)}")
    return key, value, effect


def _cmd_taint(cluster: KubectlCluster, words: list[str], stdin: str | None) -> KubectlOutput:
    """``kubectl taint node NAME KEY[=VALUE]:EFFECT ... [KEY[:EFFECT]-]`` (kubectl ``pkg/cmd/taint``): adds, overwrites
    (``--overwrite``) or removes taints, and prints ``node/NAME tainted``/``modified``/``untainted``.
    Simplified: one node by name (no ``--all``, ``-l``, ``--dry-run``)."""
    from ..api.core_v1 import Taint

    p = parse_flags("taint", words, [Flag("overwrite", kind="bool", default=False)])
    resources: list[str] = []
    taint_args: list[str] = []
    for a in p.args:
        is_taint = "=" in a or ":" in a or a.endswith("-")
        if is_taint:
            taint_args.append(a)
        elif taint_args:
            raise KubectlError(f"error: all resources must be specified before taint changes: {a}")
        else:
            resources.append(a)
    if not resources:
        raise KubectlError("error: one or more resources must be specified as <resource> <name>")
    if not taint_args:
        raise KubectlError("error: at least one taint update is required")
    add: list[tuple[str, str, str]] = []
    remove: list[tuple[str, str]] = []
    try:
        for spec in taint_args:
            if spec.endswith("-"):
                key, _, effect = _parse_taint(spec[:-1])
                remove.append((key, effect))
                continue
            key, value, effect = _parse_taint(spec)
            if not effect:
                raise ValueError(f"invalid taint spec: {spec}")
            if any((k, e) == (key, effect) for k, _, e in add):
                shown = f"{key}={value}:{effect}" if value else f"{key}:{effect}"
                raise ValueError(f"duplicated taints with the same key and effect: {{{shown}}}")
            add.append((key, value, effect))
    except ValueError as err:
        raise _usage_error("taint", str(err)) from None
    if "/" in resources[0]:
        t, name = resources[0].split("/", 1)
        resources = [t, name, *resources[1:]]
    if resolve_resource(resources[0]).kind != "Node":
        raise KubectlError(
            f"error: invalid resource type {resources[0].lower()}, only node types are supported"
        )
    conflicts = [
        f'{{"{rk}":"{re}"}}' for k, _, e in add for rk, re in remove if k == rk and (not re or e == re)
    ]
    if conflicts:
        raise KubectlError(
            "error: can not both modify and remove the following taint(s) in the same command: "
            + ", ".join(conflicts)
        )
    if len(resources) < 2:
        raise KubectlError(
            "error: at least one resource name must be specified since 'all' parameter is not set"
        )
    out = []
    for name in resources[1:]:
        node = cluster.api.get("Node", name, "").model_copy(deep=True)
        old = list(node.spec.taints or [])
        if not p.flags["overwrite"]:
            exists = [k for k, _, e in add for t in old if (t.key, t.effect) == (k, e)]
            if exists:
                raise KubectlError(
                    f"error: node {name} already has {','.join(exists)} taint(s) with same effect(s) and "
                    "--overwrite is false"
                )
        # reorganizeTaints: the new taints first, then the old ones they do not replace, minus the removed ones
        new = [Taint(key=k, value=v or None, effect=e) for k, v, e in add]
        new += [t for t in old if not any((t.key, t.effect) == (n.key, n.effect) for n in new)]
        added = len(old) != len(new)
        errors, deleted = [], False
        for key, effect in remove:
            kept = [t for t in new if not (t.key == key and (not effect or t.effect == effect))]
            deleted = len(kept) != len(new)
            if not deleted:
                errors.append(f'taint "{key}:{effect}" not found' if effect else f'taint "{key}" not found')
            new = kept
        if errors:
            raise KubectlError("error: " + (errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"))
        operation = (
            "modified"
            if (added and deleted) or p.flags["overwrite"]
            else ("tainted" if added else "untainted")
        )
        node.spec.taints = new or None
        _update(cluster, node)
        out.append(f"node/{name} {operation}\n")
    return KubectlOutput("".join(out))


COMMANDS: dict[str, Callable[[KubectlCluster, list[str], str | None], KubectlOutput]] = {
    "get": _cmd_get,
    "describe": _cmd_describe,
    "run": _cmd_run,
    "create": _cmd_create,
    "expose": _cmd_expose,
    "apply": _cmd_apply,
    "scale": _cmd_scale,
    "label": _cmd_label,
    "delete": _cmd_delete,
    "exec": _cmd_exec,
    "taint": _cmd_taint,
}

_KNOWN_KUBECTL = [
    "annotate",
    "api-resources",
    "api-versions",
    "apply",
    "attach",
    "auth",
    "autoscale",
    "certificate",
    "cluster-info",
    "completion",
    "config",
    "cordon",
    "cp",
    "create",
    "debug",
    "delete",
    "describe",
    "diff",
    "drain",
    "edit",
    "events",
    "exec",
    "explain",
    "expose",
    "get",
    "help",
    "kustomize",
    "label",
    "logs",
    "options",
    "patch",
    "plugin",
    "port-forward",
    "proxy",
    "replace",
    "rollout",
    "run",
    "scale",
    "set",
    "taint",
    "top",
    "uncordon",
    "version",
    "wait",
]


def _levenshtein(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca.lower() != cb.lower())))
        prev = cur
    return prev[-1]


def run(cluster: KubectlCluster, line: str, stdin: str | None = None) -> KubectlOutput:
    """Run one kubectl command line against ``cluster``; return stdout (with ``.stderr``).

    Raises
    ------
    KubectlError
        with kubectl's stderr text, for anything kubectl exits non-zero on. When some output was produced
        before the failure (e.g. ``get a b`` where ``b`` does not exist) it is in ``err.stdout``.

    Example
    -------
    >>> run(None, "kubectl get svc --foo")
    Traceback (most recent call last):
    ...
    k8snet.errors.KubectlError: error: unknown flag: --foo
    See 'kubectl get --help' for usage.
    """
    try:
        words = shlex.split(line)
    except ValueError as e:
        raise KubectlError(f"error: {e}") from None
    if words and words[0] == "kubectl":
        words = words[1:]
    if not words:
        raise KubectlError("error: no command given (k8snet does not print kubectl's help text)")
    # global flags may precede the command: kubectl -n ns get svc
    lead: list[str] = []
    while words and words[0].startswith("-"):
        lead.append(words.pop(0))
        if lead[-1] in ("-n", "--namespace") and words:
            lead.append(words.pop(0))
    if not words:
        raise KubectlError("error: no command given")
    cmd, rest = words[0], lead + words[1:]
    fn = COMMANDS.get(cmd)
    if fn is None:
        msg = f'error: unknown command "{cmd}" for "kubectl"'
        close = [c for c in _KNOWN_KUBECTL if _levenshtein(cmd, c) <= 2 or c.startswith(cmd.lower())]
        if close:
            msg += "\n\nDid you mean this?\n" + "".join(f"\t{c}\n" for c in close)
            msg = msg.rstrip("\n")
        raise KubectlError(msg)
    return fn(cluster, rest, stdin)
