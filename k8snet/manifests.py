"""Load Kubernetes manifests into typed objects, and dump them back.

``load`` accepts YAML or JSON text, a path, a dict, a model object, or a list of any of these; multi-document
streams and ``kind: List`` (or ``ServiceList``…) are flattened; empty documents are skipped. Decoding is strict
like kube-apiserver's with kubectl's default ``--validate=strict``: an unknown field, a wrong type or an unknown
kind raises :class:`~k8snet.errors.ManifestError` with the message the real tools print. YAML is read with
``yaml.safe_load`` semantics only, with a size limit and a limit on alias expansion ("billion laughs").

>>> objs = load('''
... apiVersion: v1
... kind: Service
... metadata: {name: web}
... spec: {selector: {app: web}, ports: [{port: 80}]}
... ''')
>>> objs[0].kind, objs[0].metadata.name
('Service', 'web')
>>> load({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "x"}, "spec": {"foo": 1}})
Traceback (most recent call last):
...
k8snet.errors.ManifestError: Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.foo"
"""

from __future__ import annotations

import json
import os
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union

import yaml
from pydantic import BaseModel, ValidationError

from .api import KINDS, K8sModel, Resource
from .api._base import DECODE_ERROR
from .api.autoscaling_v2 import HorizontalPodAutoscalerV1
from .errors import Cause, InvalidError, K8snetError, ManifestError

__all__ = [
    "load",
    "load_one",
    "load_documents",
    "Document",
    "NoKindMatchError",
    "REMOVED_API_VERSIONS",
    "dump",
    "dump_all",
    "MAX_MANIFEST_BYTES",
    "MAX_YAML_NODES",
]

#: kube-apiserver refuses request bodies over 3 MiB (``MaxRequestBodyBytes``); so do we.
MAX_MANIFEST_BYTES = 3 * 1024 * 1024
#: A document may expand (aliases included) to at most this many YAML nodes.
MAX_YAML_NODES = 200_000

Source = Union[str, os.PathLike, dict, K8sModel, Iterable]


class _LimitedLoader(yaml.SafeLoader):
    """SafeLoader that refuses documents whose alias-expanded size exceeds ``MAX_YAML_NODES``."""

    def construct_document(self, node):  # noqa: D401 - yaml hook
        _check_expansion(node)
        return super().construct_document(node)


def _check_expansion(root) -> None:
    memo: dict[int, int] = {}

    def size(node) -> int:
        key = id(node)
        if key in memo:
            return memo[key]
        memo[key] = 1  # cycles count once
        total = 1
        if isinstance(node, yaml.SequenceNode):
            for child in node.value:
                total += size(child)
        elif isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                total += size(k) + size(v)
        if total > MAX_YAML_NODES:
            raise ManifestError(
                "error converting YAML to JSON: yaml: document is too large after alias expansion "
                f"(more than {MAX_YAML_NODES} nodes)"
            )
        memo[key] = total
        return total

    size(root)


def _yaml_error(exc: yaml.YAMLError) -> ManifestError:
    line = ""
    mark = getattr(exc, "problem_mark", None)
    if mark is not None:
        line = f"line {mark.line + 1}: "
    problem = getattr(exc, "problem", None) or str(exc)
    # Go's yaml.v2 says "in this context" where PyYAML says "here"; the line numbers agree.
    problem = problem.replace("are not allowed here", "are not allowed in this context")
    return ManifestError(f"error converting YAML to JSON: yaml: {line}{problem}")


def _parse_text(text: str) -> list[Any]:
    if len(text.encode("utf-8", "surrogatepass")) > MAX_MANIFEST_BYTES:
        raise ManifestError(
            f"the manifest is larger than {MAX_MANIFEST_BYTES} bytes, the most kube-apiserver accepts in one request"
        )
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            pass
        else:
            return data if isinstance(data, list) else [data]
    try:
        docs = list(yaml.load_all(text, Loader=_LimitedLoader))
    except yaml.YAMLError as exc:
        raise _yaml_error(exc) from None
    except RecursionError:
        raise ManifestError("error converting YAML to JSON: yaml: document nests too deeply") from None
    return docs


def _go_type(model: type[BaseModel], field: str) -> str:
    override = getattr(model, "_go_types", {}).get(field) if hasattr(model, "_go_types") else None
    if isinstance(override, str):
        return override
    ann = model.model_fields[field].annotation
    return _go_type_of(ann)


def _go_type_of(ann: Any) -> str:
    origin = typing.get_origin(ann)
    args = [a for a in typing.get_args(ann) if a is not type(None)]
    if _is_union(ann):
        if len(args) == 1:
            return _go_type_of(args[0])
        return "intstr.IntOrString"
    if origin is typing.Annotated:
        return _go_type_of(args[0])
    if origin is list:
        return "[]" + _go_type_of(args[0])
    if origin is dict:
        return f"map[{_go_type_of(args[0])}]{_go_type_of(args[1])}"
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return "v1." + ann.__name__
    name = getattr(ann, "__name__", str(ann))
    if "datetime" in name:
        return "v1.Time"
    return {"int": "int32", "str": "string", "bool": "bool", "Any": "interface {}"}.get(name, name)


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number" if isinstance(value, int) else f"number {value}"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if value is None:
        return "null"
    return "object"


def _is_union(ann: Any) -> bool:
    return typing.get_origin(ann) in (Union, types.UnionType)


def _unwrap(ann: Any) -> Any:
    args = [a for a in typing.get_args(ann) if a is not type(None)]
    if _is_union(ann) and len(args) == 1:
        return _unwrap(args[0])
    return ann


def _walk(model: type[BaseModel], loc: tuple) -> tuple[type[BaseModel], str, str, str]:
    """Follow a pydantic error location; return (parent model, last field, json path with [i], go path)."""
    parent: Any = model
    path = ""
    gopath = ""
    last = ""
    cur: Any = model
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
            continue
        if isinstance(cur, type) and issubclass(cur, BaseModel) and part in cur.model_fields:
            parent = cur
            last = part
            path = f"{path}.{part}" if path else part
            gopath = f"{gopath}.{part}" if gopath else part
            ann = _unwrap(cur.model_fields[part].annotation)
            while typing.get_origin(ann) in (list, dict):
                ann = _unwrap(typing.get_args(ann)[-1])
            cur = ann
        else:
            # a union member name or a map key: keep the path readable
            if isinstance(cur, type) and issubclass(cur, BaseModel):
                path = f"{path}.{part}" if path else str(part)
                last = str(part)
            elif typing.get_origin(cur) is None and not isinstance(part, str):
                pass
    return parent, last, path, gopath


def _decode_error(cls: type[Resource], doc: dict, exc: ValidationError) -> ManifestError | InvalidError:
    kind, version = cls.model_fields["kind"].default, cls.model_fields["apiVersion"].default
    version_short = version.split("/")[-1]
    prefix = f'{kind} in version "{version_short}" cannot be handled as a {kind}: '
    unknown: list[str] = []
    missing: list[Cause] = []
    for err in exc.errors():
        if err["type"] == DECODE_ERROR:
            # a value the decoder refuses with its own message (resource.Quantity, base64 of a []byte)
            return _with_origin(ManifestError(prefix + err["msg"]), kind, _name_of(doc), err["loc"])
        loc = tuple(p for p in err["loc"] if p not in ("function-after", "function-plain"))
        # drop union-branch names pydantic inserts (e.g. 'int', 'str')
        loc = tuple(
            p
            for p in loc
            if not (
                isinstance(p, str)
                and p.startswith(("int", "str", "bool", "function"))
                and p not in _all_field_names()
            )
        )
        parent, last, path, gopath = _walk(cls, loc)
        if err["type"] == "extra_forbidden":
            unknown.append(path)
        elif err["type"] == "missing":
            missing.append(Cause("FieldValueRequired", path, "Required value"))
        else:
            value = err.get("input")
            if last and last in getattr(parent, "model_fields", {}):
                gotype = _go_type(parent, last)
                # an element of a list or a value of a map: Go names the element type
                tail = loc[len(loc) - 1 - list(reversed(loc)).index(last) + 1 :] if last in loc else ()
                for _ in tail:
                    if gotype.startswith("[]"):
                        gotype = gotype[2:]
                    elif gotype.startswith("map["):
                        gotype = gotype[gotype.index("]") + 1 :]
            else:
                gotype = "string"
            sname = parent.__name__ if parent is not cls else cls.__name__
            msg = (
                f"{prefix}json: cannot unmarshal {_json_kind(value)} into Go struct field "
                f"{sname}.{gopath} of type {gotype}"
            )
            e = ManifestError(msg)
            e.kind, e.name, e.field = kind, _name_of(doc), path
            return e
    if unknown:
        if len(unknown) == 1:
            detail = f'unknown field "{unknown[0]}"'
        else:
            detail = ", ".join(f'unknown field "{u}"' for u in unknown)
        e = ManifestError(f"{prefix}strict decoding error: {detail}")
        e.kind, e.name, e.field = kind, _name_of(doc), unknown[0]
        return e
    return InvalidError(kind, _name_of(doc), missing)


def _with_origin(e: ManifestError, kind: str, name: str, loc: tuple) -> ManifestError:
    """Attach the object and field an error is about (read by callers that point at the bad field)."""
    e.kind, e.name, e.field = kind, name, ".".join(str(p) for p in loc)  # type: ignore[attr-defined]
    return e


_FIELD_NAMES: set[str] = set()


def _all_field_names() -> set[str]:
    if not _FIELD_NAMES:
        seen: set[type] = set()

        def visit(m: type[BaseModel]) -> None:
            if m in seen:
                return
            seen.add(m)
            for name, f in m.model_fields.items():
                _FIELD_NAMES.add(name)
                for a in _flatten_types(f.annotation):
                    if isinstance(a, type) and issubclass(a, BaseModel):
                        visit(a)

        for cls in KINDS.values():
            visit(cls)
    return _FIELD_NAMES


def _flatten_types(ann: Any) -> list[Any]:
    out = [ann]
    for a in typing.get_args(ann):
        out.extend(_flatten_types(a))
    return out


def _name_of(doc: Any) -> str:
    if isinstance(doc, dict) and isinstance(doc.get("metadata"), dict):
        name = doc["metadata"].get("name")
        return name if isinstance(name, str) else ""
    return ""


def _from_dict(doc: Any) -> list[Resource]:
    if doc is None:
        return []
    if not isinstance(doc, dict):
        raise ManifestError(f"error validating data: the manifest must be an object, not {_json_kind(doc)}")
    api_version, kind = doc.get("apiVersion"), doc.get("kind")
    problems = []
    if not api_version:
        problems.append("apiVersion not set")
    if not kind:
        problems.append("kind not set")
    if problems:
        text = problems[0] if len(problems) == 1 else "[" + ", ".join(problems) + "]"
        raise ManifestError(f"error validating data: {text}")
    if isinstance(kind, str) and kind.endswith("List") and isinstance(doc.get("items"), list):
        out: list[Resource] = []
        for item in doc["items"]:
            out.extend(_from_dict(item))
        return out
    cls = KINDS.get((api_version, kind))
    converted = _CONVERTED.get((api_version, kind))
    if converted is not None:
        # a version the server also serves: decode it as written, then convert to the stored version
        try:
            older = converted.model_validate(_go_nulls(doc, converted))
        except ValidationError as exc:
            raise _decode_error(converted, doc, exc) from None
        _check_int_ranges(older, converted, doc)
        return [older.to_v2()]
    if cls is None:
        namespace = (
            doc.get("metadata", {}).get("namespace", "") if isinstance(doc.get("metadata"), dict) else ""
        )
        raise NoKindMatchError(str(kind), str(api_version), _name_of(doc), str(namespace or ""))
    doc = _go_nulls(doc, cls)
    try:
        obj = cls.model_validate(doc)
    except ValidationError as exc:
        raise _decode_error(cls, doc, exc) from None
    _check_int_ranges(obj, cls, doc)
    return [obj]


#: Versions a v1.34 API server also serves for a kind, decoded as written and converted to the stored version
#: (the model's ``to_v2()``), as the server's conversion functions do.
_CONVERTED: dict[tuple[str, str], Any] = {
    ("autoscaling/v1", "HorizontalPodAutoscaler"): HorizontalPodAutoscalerV1
}

#: API versions real manifests still carry that a v1.34 server no longer serves: ``(apiVersion, kind)`` → (the
#: release that stopped serving it, what to write instead), from the Kubernetes deprecated API migration guide.
#: kubectl has no special message for them: its RESTMapper finds no such kind in that version, exactly as for a
#: custom kind whose CRD is missing, so the text is ``NoKindMatchError``'s (kubectl v1.26+ transcripts show
#: ``no matches for kind "Deployment" in version "apps/v1beta2"`` followed by ``ensure CRDs are installed first``).
REMOVED_API_VERSIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("extensions/v1beta1", "Deployment"): ("v1.16", "apps/v1"),
    ("extensions/v1beta1", "DaemonSet"): ("v1.16", "apps/v1"),
    ("extensions/v1beta1", "ReplicaSet"): ("v1.16", "apps/v1"),
    ("extensions/v1beta1", "NetworkPolicy"): ("v1.16", "networking.k8s.io/v1"),
    ("extensions/v1beta1", "PodSecurityPolicy"): ("v1.16", "policy/v1beta1, itself removed in v1.25"),
    ("extensions/v1beta1", "Ingress"): ("v1.22", "networking.k8s.io/v1"),
    ("apps/v1beta1", "Deployment"): ("v1.16", "apps/v1"),
    ("apps/v1beta1", "StatefulSet"): ("v1.16", "apps/v1"),
    ("apps/v1beta2", "Deployment"): ("v1.16", "apps/v1"),
    ("apps/v1beta2", "StatefulSet"): ("v1.16", "apps/v1"),
    ("apps/v1beta2", "DaemonSet"): ("v1.16", "apps/v1"),
    ("apps/v1beta2", "ReplicaSet"): ("v1.16", "apps/v1"),
    ("networking.k8s.io/v1beta1", "Ingress"): ("v1.22", "networking.k8s.io/v1"),
    ("networking.k8s.io/v1beta1", "IngressClass"): ("v1.22", "networking.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1beta1", "Role"): ("v1.22", "rbac.authorization.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRole"): ("v1.22", "rbac.authorization.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1beta1", "RoleBinding"): ("v1.22", "rbac.authorization.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding"): ("v1.22", "rbac.authorization.k8s.io/v1"),
    ("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition"): ("v1.22", "apiextensions.k8s.io/v1"),
    ("admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration"): (
        "v1.22",
        "admissionregistration.k8s.io/v1",
    ),
    ("admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration"): (
        "v1.22",
        "admissionregistration.k8s.io/v1",
    ),
    ("scheduling.k8s.io/v1beta1", "PriorityClass"): ("v1.22", "scheduling.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "StorageClass"): ("v1.22", "storage.k8s.io/v1"),
    ("coordination.k8s.io/v1beta1", "Lease"): ("v1.22", "coordination.k8s.io/v1"),
    ("batch/v1beta1", "CronJob"): ("v1.25", "batch/v1"),
    ("policy/v1beta1", "PodDisruptionBudget"): ("v1.25", "policy/v1"),
    ("policy/v1beta1", "PodSecurityPolicy"): ("v1.25", "Pod Security Admission"),
    ("discovery.k8s.io/v1beta1", "EndpointSlice"): ("v1.25", "discovery.k8s.io/v1"),
    ("autoscaling/v2beta1", "HorizontalPodAutoscaler"): ("v1.25", "autoscaling/v2"),
    ("autoscaling/v2beta2", "HorizontalPodAutoscaler"): ("v1.26", "autoscaling/v2"),
    ("flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema"): ("v1.29", "flowcontrol.apiserver.k8s.io/v1"),
    ("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema"): ("v1.32", "flowcontrol.apiserver.k8s.io/v1"),
}


class NoKindMatchError(ManifestError):
    """kubectl's RESTMapper knows no such kind in that version: a custom kind whose CRD is not installed, a
    misspelt kind, or an API version the server no longer serves (:data:`REMOVED_API_VERSIONS`). The text is
    cli-runtime's ``resource mapping not found`` (``pkg/resource/mapper.go``, ``infoForData``).

    >>> print(NoKindMatchError("Deployment", "extensions/v1beta1", "web", ""))
    resource mapping not found for name: "web" namespace: "" from "STDIN": no matches for kind "Deployment" in version "extensions/v1beta1"
    ensure CRDs are installed first
    """

    def __init__(self, kind: str, api_version: str, name: str, namespace: str, source: str = "STDIN"):
        self.api_version, self.namespace, self.source = api_version, namespace, source
        super().__init__(
            f'resource mapping not found for name: "{name}" namespace: "{namespace}" from "{source}": '
            f'no matches for kind "{kind}" in version "{api_version}"\nensure CRDs are installed first'
        )
        self.kind, self.name, self.field = kind, name, "kind"

    def from_source(self, source: str) -> NoKindMatchError:
        """The same error for objects read from ``source`` (a path, or ``STDIN``)."""
        return NoKindMatchError(self.kind, self.api_version, self.name, self.namespace, source)


def _zero(ann: Any) -> Any:
    """The JSON form of a Go zero value: what a ``null`` list element or map value decodes to."""
    ann = _unwrap(ann)
    if typing.get_origin(ann) is typing.Annotated:
        ann = typing.get_args(ann)[0]
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return {}
    if _is_union(ann):  # IntOrString
        return 0
    return {int: 0, str: "", bool: False, float: 0.0}.get(ann)


def _go_nulls(value: Any, ann: Any) -> Any:
    """Apply ``encoding/json``'s rules for ``null``: a null struct field is left at its zero value (here: the
    key is dropped), a null list element or map value becomes the element type's zero value.

    Go: "unmarshaling a JSON null into any other Go type has no effect on the value". So ``labels: {a: null}``
    is the label ``a: ""`` and ``containers: [null]`` is one empty container for validation to reject.
    """
    ann = _unwrap(ann)
    origin = typing.get_origin(ann)
    if isinstance(ann, type) and issubclass(ann, BaseModel) and isinstance(value, dict):
        out = {}
        for k, v in value.items():
            f = ann.model_fields.get(k) if isinstance(k, str) else None
            if v is None and f is not None:
                continue
            out[k] = _go_nulls(v, f.annotation) if f is not None else v
        return out
    if origin is list and isinstance(value, list):
        elem = typing.get_args(ann)[0]
        zero = _zero(elem)
        return [zero if v is None and zero is not None else _go_nulls(v, elem) for v in value]
    if origin is dict and isinstance(value, dict):
        elem = typing.get_args(ann)[1]
        zero = _zero(elem)
        return {k: zero if v is None and zero is not None else _go_nulls(v, elem) for k, v in value.items()}
    return value


_INT_RANGES = {
    "int32": (-(2**31), 2**31 - 1),
    "int64": (-(2**63), 2**63 - 1),
    "intstr.IntOrString": (-(2**31), 2**31 - 1),
}


def _check_int_ranges(obj: BaseModel, cls: type[Resource], doc: dict) -> None:
    """Go cannot store 2**40 in an int32 field: ``json: cannot unmarshal number 1099511627776 into Go struct
    field ServicePort.spec.ports.port of type int32`` (encoding/json ``literalStore``, ``OverflowInt``)."""
    kind, version = cls.model_fields["kind"].default, cls.model_fields["apiVersion"].default.split("/")[-1]

    def visit(m: Any, gopath: str) -> None:
        if isinstance(m, list):
            for item in m:
                visit(item, gopath)
            return
        if isinstance(m, dict):
            for item in m.values():
                visit(item, gopath)
            return
        if not isinstance(m, BaseModel):
            return
        for name in type(m).model_fields:
            v = getattr(m, name)
            path = f"{gopath}.{name}" if gopath else name
            ints = (
                [v]
                if isinstance(v, int)
                else [x for x in v if isinstance(x, int)]
                if isinstance(v, list)
                else []
            )
            for n in ints:
                if isinstance(n, bool):
                    continue
                gotype = _go_type(type(m), name).removeprefix("[]")
                lo, hi = _INT_RANGES.get(gotype, _INT_RANGES["int32"])
                if not lo <= n <= hi:
                    gotype = "int32" if gotype == "intstr.IntOrString" else gotype
                    e = ManifestError(
                        f'{kind} in version "{version}" cannot be handled as a {kind}: json: cannot unmarshal '
                        f"number {n} into Go struct field {type(m).__name__}.{path} of type {gotype}"
                    )
                    e.kind, e.name, e.field = kind, _name_of(doc), path
                    raise e
            if isinstance(v, (BaseModel, list, dict)):
                visit(v, path)

    visit(obj, "")


def load(source: Source) -> list[Resource]:
    """Decode ``source`` into model objects (see the module docstring for what ``source`` may be).

    >>> [o.kind for o in load("kind: List\\napiVersion: v1\\nitems:\\n- {apiVersion: v1, kind: Namespace, metadata: {name: a}}\\n---\\n")]
    ['Namespace']
    """
    if isinstance(source, K8sModel):
        return [source.model_copy(deep=True)]  # type: ignore[list-item]
    if isinstance(source, dict):
        return _from_dict(source)
    if isinstance(source, os.PathLike) or (isinstance(source, str) and _looks_like_path(source)):
        path = Path(source)
        if path.stat().st_size > MAX_MANIFEST_BYTES:
            raise ManifestError(
                f'error when reading "{path}": the file is larger than {MAX_MANIFEST_BYTES} bytes'
            )
        source = path.read_text(encoding="utf-8")
    if isinstance(source, bytes):
        source = source.decode("utf-8")
    if isinstance(source, str):
        out: list[Resource] = []
        for doc in _parse_text(source):
            out.extend(_from_dict(doc))
        return out
    if isinstance(source, Iterable):
        out = []
        for item in source:
            out.extend(load(item))
        return out
    raise ManifestError(f"cannot load a manifest from {type(source).__name__}")


def _looks_like_path(text: str) -> bool:
    if (
        "\n" in text
        or len(text) > 4096
        or ":" in text.split("/")[-1]
        and not text.endswith((".yaml", ".yml", ".json"))
    ):
        return False
    return text.endswith((".yaml", ".yml", ".json")) and Path(text).exists()


@dataclass
class Document:
    """One object of a manifest stream as kubectl's resource builder meets it: the decoded ``obj``, or the
    ``error`` its document raised, with the ``source`` it came from (a path, or ``STDIN``) and the ``stage`` that
    raised it:

    ``"parse"``
        the stream could not be read (YAML syntax, client-side schema validation such as ``apiVersion not
        set``); kubectl's StreamVisitor stops reading that source there.
    ``"mapping"``
        no such kind in that version (:class:`NoKindMatchError`); kubectl reports it and goes on.
    ``"server"``
        the API server's decoder refuses the object (an unknown field, a wrong type, a required field missing):
        kubectl sends it, and the error comes back when that object is applied.
    """

    obj: Resource | None
    error: K8snetError | None = None
    source: str = "STDIN"
    stage: str = ""


def _split_yaml_documents(text: str) -> list[str]:
    """k8s.io/apimachinery ``pkg/util/yaml`` ``YAMLReader.Read``: a line starting with ``---`` ends a document
    (only spaces or a comment may follow the separator)."""
    docs: list[str] = []
    buf: list[str] = []
    for line in text.splitlines(keepends=True):
        if line.startswith("---"):
            rest = line[3:].strip()
            if rest and not rest.startswith("#"):
                # YAMLReader: "invalid Yaml document separator"; left to the YAML parser's own error here
                buf.append(line)
                continue
            if "".join(buf).strip():
                docs.append("".join(buf))
            buf = []
            continue
        buf.append(line)
    if "".join(buf).strip():
        docs.append("".join(buf))
    return docs


def _documents_of_value(value: Any, name: str) -> tuple[list[Document], bool]:
    """The objects one decoded document holds (several for a ``List``), or its error; the flag says the error
    ends the stream (a document that is not an object, or lacks ``apiVersion``/``kind``)."""
    if value is None:
        return [], False
    if not isinstance(value, dict) or not value.get("apiVersion") or not value.get("kind"):
        try:
            _from_dict(value)
        except ManifestError as err:
            return [Document(None, err, name, "parse")], True
    try:
        objs = _from_dict(value)
    except NoKindMatchError as err:
        return [Document(None, err.from_source(name), name, "mapping")], False
    except K8snetError as err:
        return [Document(None, err, name, "server")], False
    return [Document(obj, None, name) for obj in objs], False


def load_documents(source: Source | bytes, name: str = "STDIN") -> list[Document]:
    """Decode a manifest stream object by object, as kubectl's resource builder with ``ContinueOnError`` does
    (k8s.io/cli-runtime ``pkg/resource/visitor.go`` ``StreamVisitor``): each document is read on its own, a
    document that cannot be read ends the stream (the objects before it are kept), a kind the server does not
    serve is reported and the rest go on. ``name`` is what kubectl names the source in its messages (``STDIN``;
    a path read here is named by the path). ``source`` is anything :func:`load` takes.

    >>> docs = load_documents('''
    ... apiVersion: v1
    ... kind: ConfigMap
    ... metadata: {name: a}
    ... ---
    ... apiVersion: extensions/v1beta1
    ... kind: Ingress
    ... metadata: {name: old}
    ... ---
    ... apiVersion: v1
    ... kind: Service
    ... metadata: {name: b}
    ... spec: {ports: [{port: 80}], foo: 1}
    ... ''')
    >>> [(d.obj.kind if d.obj else None, d.stage) for d in docs]
    [('ConfigMap', ''), (None, 'mapping'), (None, 'server')]
    """
    if isinstance(source, K8sModel):
        return [Document(source.model_copy(deep=True), None, name)]  # type: ignore[arg-type]
    if isinstance(source, dict):
        return _documents_of_value(source, name)[0]
    if isinstance(source, os.PathLike) or (isinstance(source, str) and _looks_like_path(source)):
        path = Path(source)
        if path.stat().st_size > MAX_MANIFEST_BYTES:
            err = ManifestError(
                f'error when reading "{path}": the file is larger than {MAX_MANIFEST_BYTES} bytes'
            )
            return [Document(None, err, str(path), "parse")]
        return load_documents(path.read_bytes(), str(path) if name == "STDIN" else name)
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8")
        except UnicodeDecodeError:
            err = ManifestError("error converting YAML to JSON: yaml: invalid leading UTF-8 octet")
            return [Document(None, err, name, "parse")]
    if not isinstance(source, str):
        if isinstance(source, Iterable):
            out: list[Document] = []
            for item in source:
                out.extend(load_documents(item, name))
            return out
        return [
            Document(
                None, ManifestError(f"cannot load a manifest from {type(source).__name__}"), name, "parse"
            )
        ]
    if len(source.encode("utf-8", "surrogatepass")) > MAX_MANIFEST_BYTES:
        err = ManifestError(
            f"the manifest is larger than {MAX_MANIFEST_BYTES} bytes, the most kube-apiserver accepts in one request"
        )
        return [Document(None, err, name, "parse")]
    stripped = source.lstrip()
    chunks = [source] if stripped.startswith(("{", "[")) else _split_yaml_documents(source)
    docs: list[Document] = []
    for chunk in chunks:
        try:
            values = _parse_text(chunk)
        except ManifestError as err:
            docs.append(Document(None, err, name, "parse"))
            return docs
        for value in values:
            found, stop = _documents_of_value(value, name)
            docs.extend(found)
            if stop:
                return docs
    return docs


def load_one(source: Source) -> Resource:
    """Like :func:`load` but the source must hold exactly one object."""
    objs = load(source)
    if len(objs) != 1:
        raise ManifestError(f"expected one object, found {len(objs)}")
    return objs[0]


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper: yaml.SafeDumper, data: str):
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str_representer)


def dump(obj: K8sModel | dict, sort_keys: bool = False) -> str:
    """YAML text of one object, fields in API order (``sort_keys=True`` gives ``kubectl get -o yaml`` order).

    >>> from k8snet.api.core_v1 import Service
    >>> print(dump(Service(metadata={"name": "web"}, spec={"ports": [{"port": 80}]})), end="")
    apiVersion: v1
    kind: Service
    metadata:
      name: web
    spec:
      ports:
      - port: 80
    """
    data = obj.to_dict() if isinstance(obj, K8sModel) else obj
    return yaml.dump(data, Dumper=_Dumper, sort_keys=sort_keys, default_flow_style=False, allow_unicode=True)


def dump_all(objs: Iterable[K8sModel | dict], sort_keys: bool = False) -> str:
    """Several objects as one multi-document YAML stream."""
    return "---\n".join(dump(o, sort_keys=sort_keys) for o in objs)
