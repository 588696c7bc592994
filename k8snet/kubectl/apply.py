"""``kubectl apply`` (client-side): each object on its own, the last-applied-configuration annotation and the
three-way merge, and the report kubectl prints.

Follows kubernetes/kubectl ``pkg/cmd/apply/apply.go``:

* ``Run``: the resource builder reads every object first (with ``ContinueOnError``: a document that cannot be
  decoded, a kind the server does not serve, a namespace that contradicts ``-n`` are each an error, and the other
  objects go on), then ``applyOneObject`` applies each object on its own (one request each, so each object is
  all-or-nothing in the store); every failure is collected and the command fails at the end. One error is
  printed as ``cmdutil.CheckErr`` prints it (``The Service "x" is invalid: ...``, ``Error from server
  (AlreadyExists): error when creating "STDIN": ...``, ``error: ...`` for a client-side error); several as
  ``MultipleErrors``: one line each, API errors as ``Error from server (Invalid): error when creating "STDIN":
  Service "x" is invalid: ...`` (``pkg/cmd/util/helpers.go``), the builder's errors first.
* ``applyOneObject``: create the object if the server has none (``error when creating``), patch it otherwise
  (``error when applying patch``); warn when a live object lacks the annotation; ``generateName`` cannot be used.
* ``pkg/cmd/apply/patcher.go`` (the patch is computed from three versions: the configuration applied last time,
  read back from the annotation; the new configuration; the live object) and ``pkg/util/apply.go``
  (``GetModifiedConfiguration``: the annotation holds the manifest as JSON).

Simplified: the strategic merge patch is a plain three-way merge (keys removed from the manifest since the last
apply are dropped, maps merge recursively, lists and scalars from the manifest replace the live value; no merge
keys for lists), and the patch is applied here and sent as an update; where kubectl quotes its patch in an error
(a failed update among several errors) a JSON merge patch is shown.

>>> from k8snet.api.core_v1 import Service
>>> from k8snet.sim.cluster import Cluster
>>> api = Cluster(preset="minikube").api
>>> svc = Service(metadata={"name": "web", "labels": {"tier": "a"}}, spec={"ports": [{"port": 80}]})
>>> stored = apply_one_object(api, svc)
>>> stored.metadata.annotations[LAST_APPLIED]
'{"apiVersion":"v1","kind":"Service","metadata":{"annotations":{},"labels":{"tier":"a"},"name":"web","namespace":"default"},"spec":{"ports":[{"port":80}]}}\\n'
>>> svc.metadata.labels = None  # removed from the manifest: apply removes it from the live object
>>> apply_one_object(api, svc).metadata.labels is None
True
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from ..api import Resource, kind_class
from ..api.field import go_json
from ..apiserver.server import APIServer
from ..errors import (
    InvalidError,
    K8snetError,
    KubectlError,
    ManifestError,
    NotFoundError,
    RequestEntityTooLargeError,
)
from ..manifests import Document, NoKindMatchError, nesting_depth_ok

__all__ = [
    "LAST_APPLIED",
    "ApplyReport",
    "ApplyError",
    "apply_object",
    "apply_one_object",
    "apply_documents",
    "last_applied_configuration",
    "original_configuration",
    "OriginalConfigurationError",
    "source_error",
]

#: The annotation client-side apply keeps the applied manifest in (``corev1.LastAppliedConfigAnnotation``).
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def _three_way(live: Any, last: Any, new: Any) -> Any:
    """The merge of ``new`` into ``live`` given ``last`` (see the module docstring for what is simplified)."""
    if not isinstance(new, dict) or not isinstance(live, dict):
        return new
    out = dict(live)
    last = last if isinstance(last, dict) else {}
    for k in last:
        if k not in new:
            out.pop(k, None)
    for k, v in new.items():
        out[k] = _three_way(out.get(k), last.get(k), v) if isinstance(v, dict) else v
    return out


def last_applied_configuration(obj: Resource) -> str:
    """The ``kubectl.kubernetes.io/last-applied-configuration`` value kubectl writes: the manifest as compact
    JSON with sorted keys, ``metadata.namespace`` filled in and an ``annotations`` map, plus a newline.

    >>> from k8snet.api.core_v1 import Namespace
    >>> last_applied_configuration(Namespace(metadata={"name": "shop"}))
    '{"apiVersion":"v1","kind":"Namespace","metadata":{"annotations":{},"name":"shop"}}\\n'
    """
    d = obj.to_dict()
    md = d.setdefault("metadata", {})
    ann = dict(md.get("annotations") or {})
    ann.pop(LAST_APPLIED, None)
    md["annotations"] = ann
    if obj.namespaced:
        md["namespace"] = md.get("namespace") or "default"
    return json.dumps(d, sort_keys=True, separators=(",", ":")) + "\n"


def apply_one_object(api: APIServer, obj: Resource) -> Any:
    """Apply one object: create it (annotated) if the server has none, else three-way-merge it into the live
    object and update that; returns the object as stored. ``obj`` itself is not changed.

    An unset namespace means ``default`` (kubectl's ``-n`` is the caller's to fill in).
    """
    return apply_object(api, obj)[0]


def _merge_patch(old: Any, new: Any) -> Any:
    """An RFC 7386 JSON merge patch from ``old`` to ``new`` (``None`` when they are equal)."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return None if old == new else new
    patch: dict[str, Any] = {}
    for k in old:
        if k not in new:
            patch[k] = None
    for k, v in new.items():
        if k not in old:
            patch[k] = v
        else:
            sub = _merge_patch(old[k], v)
            if sub is not None or (old[k] != v and v is None):
                patch[k] = sub
    return patch or None


#: ``mergepatch.ErrBadJSONDoc`` (k8s.io/apimachinery ``pkg/util/mergepatch/errors.go``).
ERR_BAD_JSON_DOC = "Invalid JSON document"


class OriginalConfigurationError(KubectlError):
    """The live object's last-applied annotation is not a JSON object, so no three-way patch can be computed
    (kubectl ``pkg/cmd/apply/patcher.go`` ``patchSimple``: ``strategicpatch.CreateThreeWayMergePatch`` fails with
    ``mergepatch.ErrBadJSONDoc`` for the OpenAPI v3 schema, then the v2 one, each a ``warning:`` line, then for
    the built-in types, whose error is wrapped with ``createPatchErrFormat``). ``str()`` is that wrapped error;
    :func:`apply_documents` adds the source as ``Patch`` and ``applyOneObject`` do. Nothing is sent.

    Simplified: Go's encoding/json reads up to 10,000 nested levels, so a deep annotation that is a JSON object
    would be read there; here one nested beyond :data:`k8snet.manifests.MAX_NESTING_DEPTH` is refused as not
    JSON (a deep array is refused by Go too: it is not an object)."""

    #: what ``patchSimple`` writes to stderr before failing
    WARNINGS = (
        f"warning: error calculating patch from openapi v3 spec: {ERR_BAD_JSON_DOC}\n"
        f"warning: error calculating patch from openapi spec: {ERR_BAD_JSON_DOC}\n"
    )

    def __init__(self, original: str, modified: str, current: str):
        super().__init__(
            f"creating patch with:\noriginal:\n{original}\nmodified:\n{modified}\ncurrent:\n{current}\n"
            f"for:: {ERR_BAD_JSON_DOC}"
        )


def original_configuration(raw: str | None) -> dict | None:
    """The last-applied configuration read back from the annotation (``util.GetOriginalConfiguration``, then
    ``json.Unmarshal`` into a map): ``{}`` for none or ``null``, ``None`` when it is not a JSON object.

    >>> original_configuration('{"kind": "Service"}'), original_configuration(""), original_configuration("[1]")
    ({'kind': 'Service'}, {}, None)
    >>> original_configuration("not json") is None, original_configuration("[" * 5000) is None
    (True, True)
    """
    if not raw:
        return {}
    try:
        value = json.loads(raw, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        return None
    if value is None:
        return {}
    return value if isinstance(value, dict) and nesting_depth_ok(value) else None


def _no_constant(name: str) -> Any:
    # Go's encoding/json has no NaN or Infinity literals
    raise ValueError(name)


def apply_object(api: APIServer, obj: Resource, dry_run: str = "none") -> tuple[Any, str, str]:
    """Apply one object; returns ``(object, operation, patch)``: the object as stored (or as it would be, for
    a dry run), ``created``/``configured``/``unchanged`` and, for an update, the patch as JSON text. Failures
    raise the API server's error; wrap them with :func:`source_error` for kubectl's text.

    ``dry_run`` is kubectl's ``--dry-run``: ``client`` sends nothing (an existing object is reported
    ``configured``, as kubectl does without computing a patch), ``server`` runs the request and rolls it back.
    """
    obj = obj.model_copy(deep=True)
    kind = obj.kind  # type: ignore[attr-defined]
    md = obj.metadata  # type: ignore[attr-defined]
    ns = (md.namespace or "default") if obj.namespaced else ""
    if obj.namespaced:
        md.namespace = ns
    applied = last_applied_configuration(obj)
    live = None
    if md.name:
        try:
            live = api.get(kind, md.name, ns)
        except NotFoundError:
            live = None
    if live is None:
        md.annotations = {**(md.annotations or {}), LAST_APPLIED: applied}
        if dry_run == "client":
            return obj, "created", ""
        return maybe_dry_run(api, dry_run, lambda: api.create(obj)), "created", ""
    if dry_run == "client":
        return obj, "configured", ""
    live_d = live.to_dict()
    last_raw = (live.metadata.annotations or {}).get(LAST_APPLIED)
    new_d = obj.to_dict()
    new_d.setdefault("metadata", {})
    new_d["metadata"]["annotations"] = {
        **(new_d["metadata"].get("annotations") or {}),
        LAST_APPLIED: applied,
    }
    last = original_configuration(last_raw)
    if last is None:
        raise OriginalConfigurationError(last_raw or "", go_json(new_d) + "\n", go_json(live_d) + "\n")
    merged = _three_way(live_d, last, new_d)
    merged.pop("status", None)
    merged["status"] = live_d.get("status")
    if merged["status"] is None:
        merged.pop("status")
    if kind == "Service":
        # the allocated fields come back through the API server's patchAllocatedValues
        merged_spec = merged.get("spec", {})
        if "clusterIP" not in (new_d.get("spec") or {}):
            merged_spec.pop("clusterIP", None)
            merged_spec.pop("clusterIPs", None)
    updated = type(live).model_validate(merged)
    stored = maybe_dry_run(api, dry_run, lambda: api.update(updated))
    # an empty patch: kubectl reports "unchanged" (the server's no-op update changes nothing either)
    operation = "unchanged" if _same_object(live, stored) else "configured"
    return stored, operation, ""


def _same_object(a: Any, b: Any) -> bool:
    """Equal but for the bookkeeping a no-op write may bump (resourceVersion, managedFields)."""
    da, db = a.to_dict(), b.to_dict()
    for d in (da, db):
        d.get("metadata", {}).pop("resourceVersion", None)
        d.get("metadata", {}).pop("managedFields", None)
    return da == db


class _DryRunRollbackError(Exception):
    """Raised inside a transaction to undo a server-side dry run."""


def maybe_dry_run(api: APIServer, dry_run: str, request: Callable[[], Any]) -> Any:
    """Run ``request``; with ``dry_run="server"`` in a transaction rolled back afterwards (``--dry-run=server``). A dry-run response
    carries what the server filled in (uid, defaults, allocated addresses) but no ``resourceVersion`` (nothing
    reached etcd)."""
    if dry_run != "server":
        return request()
    result: list[Any] = []
    try:
        with api.store.transaction():
            result.append(request())
            raise _DryRunRollbackError
    except _DryRunRollbackError:
        pass
    out = result[0]
    out.metadata.resourceVersion = None
    return out


# --- kubectl's report -------------------------------------------------------------------------------------

_STATUS = re.compile(r"Error from server \((\w+)\): (.*)", re.S)


def _qualified_kind(kind: str) -> str:
    """``schema.GroupKind.String()``: ``Service``, ``Deployment.apps``."""
    try:
        group = kind_class(kind).api_info.group
    except KeyError:
        group = ""
    return f"{kind}.{group}" if group else kind


def invalid_status_message(err: InvalidError) -> str:
    """The Status message kube-apiserver writes for 422 (``errors.NewInvalid``): ``<Kind.group> "<name>" is
    invalid: <field errors>``, several in brackets (``ErrorList.ToAggregate``, duplicates dropped).

    >>> from k8snet.errors import Cause
    >>> err = InvalidError("Deployment", "web", [Cause("FieldValueRequired", "spec.selector", "Required value")])
    >>> invalid_status_message(err)
    'Deployment.apps "web" is invalid: spec.selector: Required value'
    """
    causes = list(dict.fromkeys(str(c) for c in err.causes))
    body = causes[0] if len(causes) == 1 else "[" + ", ".join(causes) + "]"
    return f'{_qualified_kind(err.kind)} "{err.name}" is invalid: {body}'


@dataclass
class _Failure:
    """One failed object or document: the error, and the texts kubectl prints for it: ``raw`` is Go's
    ``err.Error()``, ``line`` what ``MultipleErrors`` prints (``StandardErrorMessage``: ``Error from server
    (Reason): ...`` for an API error), ``single`` what ``CheckErr`` prints when it is the only error."""

    error: K8snetError
    raw: str
    line: str
    single: str


def source_error(err: K8snetError, source: str, verb: str = "creating") -> _Failure:
    """kubectl's texts for a failed request on an object read from ``source`` (``cmdutil.AddSourceToErr``:
    ``error when <verb> "<source>":`` and a space put inside the API status message).

    >>> from k8snet.errors import NotFoundError
    >>> print(source_error(NotFoundError("namespaces", "shop"), "STDIN").single)
    Error from server (NotFound): error when creating "STDIN": namespaces "shop" not found
    """
    prefix = f'error when {verb} "{source}": '
    if isinstance(err, InvalidError):
        raw = prefix + invalid_status_message(err)
        return _Failure(err, raw, f"Error from server (Invalid): {raw}", str(err))
    if isinstance(err, RequestEntityTooLargeError):
        # refused before decoding (413), with the server's own Status message
        raw = prefix + err.message
        line = f"Error from server (RequestEntityTooLarge): {raw}"
        return _Failure(err, raw, line, line)
    if isinstance(err, ManifestError):
        # the server's decoder refused it (strict field validation, a wrong type): 400 BadRequest
        raw = prefix + str(err)
        line = f"Error from server (BadRequest): {raw}"
        return _Failure(err, raw, line, line)
    m = _STATUS.fullmatch(str(err))
    if m is not None:
        raw = prefix + m.group(2)
        line = f"Error from server ({m.group(1)}): {raw}"
        return _Failure(err, raw, line, line)
    return _client_error(err, prefix + str(err))


def builder_failure(doc: Document) -> _Failure:
    """A document the resource builder could not turn into an object (cli-runtime ``StreamVisitor``), with the
    texts kubectl prints for it.

    >>> from k8snet.manifests import load_documents
    >>> (doc,) = load_documents("kind: Service\\nmetadata: {name: a}\\n")
    >>> print(builder_failure(doc).single)
    error: error validating "STDIN": error validating data: apiVersion not set; if you choose to ignore these errors, turn validation off with --validate=false
    """
    err = doc.error
    assert err is not None
    if isinstance(err, NoKindMatchError):
        return _client_error(err)
    text = str(err)
    if text.startswith("error validating data"):
        text = (
            f'error validating "{doc.source}": {text}; if you choose to ignore these errors, turn validation off '
            "with --validate=false"
        )
    else:
        text = f"error parsing {doc.source}: {text}"
    return _client_error(err, text)


def _client_error(err: K8snetError, text: str | None = None) -> _Failure:
    """An error kubectl raises itself (not an API status): printed as is among others, with ``error: `` when it
    is alone."""
    text = str(err) if text is None else text
    return _Failure(err, text, text, text if text.startswith("error: ") else f"error: {text}")


#: An error as kubectl holds it: one failure, or an aggregate (``utilerrors.Aggregate``) of such.
_Node = Any


def _leaves(node: _Node) -> list[_Failure]:
    return [leaf for child in node for leaf in _leaves(child)] if isinstance(node, list) else [node]


def _go_error(node: _Node) -> str:
    """``err.Error()``; an aggregate flattens, drops repeated messages and brackets several."""
    if not isinstance(node, list):
        return node.raw
    messages = list(dict.fromkeys(leaf.raw for leaf in _leaves(node)))
    return messages[0] if len(messages) == 1 else "[" + ", ".join(messages) + "]"


def _collapse(items: list[_Node]) -> _Node | None:
    """How a visitor returns its errors: nothing, the one error, or an aggregate."""
    if not items:
        return None
    return items[0] if len(items) == 1 else list(items)


def check_err_text(node: _Node) -> str:
    """``cmdutil.CheckErr``'s text for an error (``pkg/cmd/util/helpers.go`` ``checkErr``): an aggregate of one is
    unwrapped; an aggregate prints one ``messageForError`` line per error; an Invalid status prints ``The <Kind>
    "<name>" is invalid: ...``; any other error ``StandardErrorMessage`` or ``error: <message>``."""
    if isinstance(node, list) and len(node) == 1:
        node = node[0]
    if isinstance(node, list):
        return "\n".join(child.line if not isinstance(child, list) else _go_error(child) for child in node)
    return node.single


class ApplyError(KubectlError):
    """``kubectl apply`` (or ``create``) failed for several objects: ``str()`` is what kubectl prints on stderr
    at the end; ``errors`` holds each error, ``applied`` the objects that were created or configured and
    ``stdout`` what kubectl printed for them (issue 11, item 9)."""

    def __init__(self, text: str, errors: list[K8snetError], applied: list[Any], stdout: str, warnings: str):
        super().__init__(text)
        self.errors, self.applied, self.stdout, self.warnings = errors, applied, stdout, warnings


@dataclass
class ApplyReport:
    """What one ``kubectl apply -f`` (or ``create -f``) did: ``applied`` (the stored objects, in order),
    ``stdout`` (``kind/name created`` lines), ``warnings`` (``Warning:`` lines, each distinct one once;
    ``warning_texts`` without the prefix), and ``error`` (kubectl's final error, see :func:`check_err_text`)."""

    applied: list[Any] = field(default_factory=list)
    stdout: str = ""
    warnings: str = ""
    warning_texts: list[str] = field(default_factory=list)
    error: _Node | None = None

    @property
    def errors(self) -> list[K8snetError]:
        return [leaf.error for leaf in _leaves(self.error)] if self.error is not None else []

    def error_text(self) -> str:
        """kubectl's stderr after the objects were applied, ``""`` if none failed."""
        return check_err_text(self.error) if self.error is not None else ""

    def raise_for_errors(self) -> None:
        """Raise what kubectl exits 1 with: the one error itself (its text made kubectl's, with ``stdout``,
        ``applied`` and ``warnings`` attached), or an :class:`ApplyError` for several."""
        if self.error is None:
            return
        text = self.error_text()
        leaves = _leaves(self.error)
        if len(leaves) == 1:
            err = leaves[0].error
            if str(err) != text:
                err.args = (text,)
            err.stdout, err.applied, err.warnings = self.stdout, self.applied, self.warnings  # type: ignore[attr-defined]
            raise err
        raise ApplyError(text, self.errors, self.applied, self.stdout, self.warnings)


_NO_LAST_APPLIED = (
    "Warning: resource {0} is missing the {1} annotation which is required by {2} apply. {2} apply should only be "
    "used on resources created declaratively by either {2} create --save-config or {2} apply. The missing "
    "annotation will be patched automatically.\n"
)

#: kube-apiserver v1.33+ answers every v1 Endpoints request with this warning (KEP-4974).
ENDPOINTS_WARNING = "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"


def _resource_name(obj: Any) -> str:
    """``info.ObjectName()``: ``services/web``, ``deployments.apps/web``."""
    try:
        return f"{kind_class(obj.kind).api_info.group_resource}/{obj.metadata.name}"
    except KeyError:
        return f"{obj.kind.lower()}s/{obj.metadata.name}"


def _mapping_string(obj: Any) -> str:
    """``resource.Info.String()``: the mapping and the name, as kubectl quotes an object in its errors."""
    info = kind_class(obj.kind).api_info
    gv = f"{info.group}/{info.version}"
    return (
        f'Resource: "{gv}, Resource={info.plural}", GroupVersionKind: "{gv}, Kind={info.kind}"\n'
        f'Name: "{obj.metadata.name or ""}", Namespace: "{obj.metadata.namespace or ""}"'
    )


def _set_namespace(obj: Any, namespace: str, enforce: bool) -> _Failure | None:
    """Fill in ``-n`` (or ``default``) for a namespaced object that names none, drop the namespace of a
    cluster-scoped one; with ``enforce`` (``-n`` given) an object naming another namespace is refused
    (cli-runtime ``RequireNamespace``): the failure is returned."""
    if not obj.namespaced:
        obj.metadata.namespace = None
    elif not obj.metadata.namespace:
        obj.metadata.namespace = namespace
    elif enforce and obj.metadata.namespace != namespace:
        theirs = obj.metadata.namespace
        return _client_error(
            KubectlError(
                f'the namespace from the provided object "{theirs}" does not match the namespace '
                f"\"{namespace}\". You must pass '--namespace={theirs}' to perform this operation."
            )
        )
    return None


def apply_documents(
    api: APIServer,
    documents: Iterable[Document],
    *,
    namespace: str = "default",
    enforce_namespace: bool = False,
    dry_run: str = "none",
    after_each: Callable[[], None] | None = None,
    resource_name: Callable[[Any], str] | None = None,
) -> ApplyReport:
    """``kubectl apply -f``: apply each decoded object on its own and report as kubectl does.

    ``documents`` come from :func:`k8snet.manifests.load_documents` (or any objects wrapped in
    :class:`~k8snet.manifests.Document`); ``namespace`` fills in objects that name none (``-n``, ``default``
    otherwise) and, with ``enforce_namespace`` (``-n`` given), an object naming another namespace is refused
    (cli-runtime ``RequireNamespace``). ``after_each`` runs after every successful write (the controllers
    reacting); ``resource_name`` prints an object (``service/web``). Nothing raises: see
    :meth:`ApplyReport.raise_for_errors`.

    >>> from k8snet.sim.cluster import Cluster
    >>> from k8snet.manifests import load_documents
    >>> c = Cluster(preset="minikube")
    >>> report = apply_documents(c.api, load_documents('''
    ... apiVersion: v1
    ... kind: ConfigMap
    ... metadata: {name: web}
    ... ---
    ... apiVersion: v1
    ... kind: Service
    ... metadata: {name: Web}
    ... spec: {ports: [{port: 80}]}
    ... '''))
    >>> print(report.stdout + report.error_text())
    configmap/web created
    The Service "Web" is invalid: metadata.name: Invalid value: "Web": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')
    """
    from .printers import resource_name as default_name

    name_of = resource_name or default_name
    report = ApplyReport()
    out: list[str] = []
    warned: dict[str, None] = {}
    # the resource builder's errors: a namespace mismatch per object (a decorating visitor), then the decode
    # errors of every source as one aggregate (EagerVisitorList), returned by ContinueOnErrorVisitor
    builder: list[_Node] = []
    decode: list[_Failure] = []
    failures: list[_Node] = []
    objects: list[tuple[Any, str]] = []
    for doc in documents:
        if doc.error is not None and doc.stage == "server":
            objects.append((doc.error, doc.source))  # sent as is: the server's decoder refuses it in turn
            continue
        if doc.error is not None:
            decode.append(builder_failure(doc))
            continue
        obj: Any = doc.obj
        if obj is None:
            continue
        mismatch = _set_namespace(obj, namespace, enforce_namespace)
        if mismatch is not None:
            builder.append(mismatch)
            continue
        objects.append((obj, doc.source))
    if decode:
        builder.append(decode)
    suffix = {"client": " (dry run)", "server": " (server dry run)"}.get(dry_run, "")
    for obj, source in objects:
        if isinstance(obj, K8snetError):
            # simplified: always reported as a create (kubectl says "applying patch" when the object exists)
            failures.append(source_error(obj, source, "creating"))
            continue
        if not obj.metadata.name:
            if obj.metadata.generateName:
                err = KubectlError(f"from {obj.metadata.generateName}: cannot use generate name with apply")
                failures.append(_client_error(err))
                continue
            text = (
                f"error when retrieving current configuration of:\n{_mapping_string(obj)}\n"
                f'from server for: "{source}": resource name may not be empty'
            )
            failures.append(_client_error(KubectlError(text), text))
            continue
        if obj.kind == "Endpoints":
            warned.setdefault(f"Warning: {ENDPOINTS_WARNING}\n", None)
        try:
            live = api.get(obj.kind, obj.metadata.name, obj.metadata.namespace or "")
        except NotFoundError:
            live = None
        if live is not None and dry_run != "client" and LAST_APPLIED not in (live.metadata.annotations or {}):
            warned.setdefault(_NO_LAST_APPLIED.format(_resource_name(obj), LAST_APPLIED, "kubectl"), None)
        try:
            stored, operation, patch = apply_object(api, obj, dry_run)
        except OriginalConfigurationError as err:
            # patchSimple returns no patch bytes; Patcher.Patch and applyOneObject each add the source
            warned.setdefault(err.WARNINGS, None)
            text = (
                f'error when applying patch:\n\nto:\n{_mapping_string(obj)}\nfor: "{source}": '
                f'error when patching "{source}": {err}'
            )
            failures.append(_client_error(err, text))
            continue
        except K8snetError as err:
            if live is None:
                failures.append(source_error(err, source, "creating"))
            else:
                verb = f"applying patch:\n{patch_for(api, obj, live)}\nto:\n{_mapping_string(obj)}\nfor:"
                failures.append(source_error(err, source, verb))
            continue
        for w in api.last_warnings:
            warned.setdefault(f"Warning: {w}\n", None)
            if w not in report.warning_texts:
                report.warning_texts.append(w)
        if operation != "unchanged" and dry_run == "none" and after_each is not None:
            after_each()
        report.applied.append(stored)
        out.append(f"{name_of(stored)} {operation}{suffix}\n")
    report.stdout = "".join(out)
    report.warnings = "".join(warned)
    # Run: the builder's error first, then each object's
    top = ([_collapse(builder)] if builder else []) + failures
    report.error = _collapse(top)
    return report


def patch_for(api: APIServer, obj: Any, live: Any) -> str:
    """The patch kubectl would send to bring ``live`` to ``obj`` (a JSON merge patch, see the module
    docstring), as quoted in ``error when applying patch``."""
    new_d = obj.to_dict()
    new_d.setdefault("metadata", {})["annotations"] = {
        **(new_d["metadata"].get("annotations") or {}),
        LAST_APPLIED: last_applied_configuration(obj),
    }
    last = original_configuration((live.metadata.annotations or {}).get(LAST_APPLIED)) or {}
    live_d = live.to_dict()
    merged = _three_way(live_d, last, new_d)
    merged["status"] = live_d.get("status")
    if merged["status"] is None:
        merged.pop("status")
    return json.dumps(_merge_patch(live_d, merged) or {}, sort_keys=True, separators=(",", ":"))


def create_documents(
    api: APIServer,
    documents: Iterable[Document],
    *,
    namespace: str = "default",
    enforce_namespace: bool = False,
    dry_run: str = "none",
    after_each: Callable[[], None] | None = None,
    resource_name: Callable[[Any], str] | None = None,
) -> ApplyReport:
    """``kubectl create -f`` (``pkg/cmd/create/create.go`` ``RunCreate``): each object created on its own, in
    order; a failure (``error when creating``) or a namespace mismatch is collected where it happens and the
    rest go on; the builder's decode errors come last, as one aggregate. Parameters as for
    :func:`apply_documents`; an object is created as given (no last-applied annotation).

    >>> from k8snet.sim.cluster import Cluster
    >>> from k8snet.manifests import load_documents
    >>> c = Cluster(preset="minikube")
    >>> text = "apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: a}\\n"
    >>> print(create_documents(c.api, load_documents(text)).stdout, end="")
    configmap/a created
    >>> print(create_documents(c.api, load_documents(text)).error_text())
    Error from server (AlreadyExists): error when creating "STDIN": configmaps "a" already exists
    """
    from .printers import resource_name as default_name

    name_of = resource_name or default_name
    report = ApplyReport()
    out: list[str] = []
    warned: dict[str, None] = {}
    errors: list[_Node] = []
    decode: list[_Failure] = []
    suffix = {"client": " (dry run)", "server": " (server dry run)"}.get(dry_run, "")
    for doc in documents:
        if doc.error is not None:
            if doc.stage == "server":
                errors.append(source_error(doc.error, doc.source, "creating"))
            else:
                decode.append(builder_failure(doc))
            continue
        obj: Any = doc.obj
        if obj is None:
            continue
        mismatch = _set_namespace(obj, namespace, enforce_namespace)
        if mismatch is not None:
            errors.append(mismatch)
            continue
        if dry_run == "client":
            stored = obj
        else:
            try:
                stored = maybe_dry_run(api, dry_run, partial(api.create, obj))
            except K8snetError as err:
                errors.append(source_error(err, doc.source, "creating"))
                continue
            for w in api.last_warnings:
                warned.setdefault(f"Warning: {w}\n", None)
                if w not in report.warning_texts:
                    report.warning_texts.append(w)
            if dry_run == "none" and after_each is not None:
                after_each()
        report.applied.append(stored)
        out.append(f"{name_of(stored)} created{suffix}\n")
    if decode:
        errors.append(decode)
    report.stdout = "".join(out)
    report.warnings = "".join(warned)
    report.error = _collapse(errors)
    return report
