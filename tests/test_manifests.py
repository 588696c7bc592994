"""Manifest loading: what loads, and the bad-input suite (every failure is a k8snet error naming kind and field).

Decode error texts follow kube-apiserver's strict decoder (k8s.io/apimachinery ``pkg/runtime/serializer/json``:
``<Kind> in version "<v>" cannot be handled as a <Kind>: ...``) and kubectl's client-side checks
(kubernetes/kubectl ``pkg/cmd/util/helpers.go``, ``staging/src/k8s.io/cli-runtime/pkg/resource``).
"""

from __future__ import annotations

import json

import pytest

from k8snet import manifests
from k8snet.api.core_v1 import Service
from k8snet.data import article_manifest, article_manifests
from k8snet.errors import InvalidError, K8snetError, ManifestError

SVC = "apiVersion: v1\nkind: Service\nmetadata: {name: x}\n"


@pytest.mark.parametrize("name", article_manifests())
def test_article_manifests_load_and_round_trip(name):
    objs = manifests.load(article_manifest(name))
    assert objs
    again = manifests.load(manifests.dump_all(objs))
    assert [o.to_dict() for o in again] == [o.to_dict() for o in objs]


def test_headless_manifest_has_service_and_endpoints():
    objs = manifests.load(article_manifest("headless-svc"))
    assert [o.kind for o in objs] == ["Service", "Endpoints"]
    assert objs[0].spec.clusterIP == "None"
    assert objs[1].subsets[0].addresses[0].ip == "10.4.0.3"


def test_sources_text_dict_object_list_json_path(tmp_path):
    text = SVC + "spec: {ports: [{port: 80}]}\n"
    as_dict = manifests.load(text)[0].to_dict()
    path = tmp_path / "svc.yaml"
    path.write_text(text)
    for source in (
        text,
        as_dict,
        Service.model_validate(as_dict),
        [as_dict],
        json.dumps(as_dict),
        path,
        str(path),
    ):
        (obj,) = manifests.load(source)
        assert obj.to_dict() == as_dict


def test_multi_document_list_kinds_and_empty_documents():
    text = (
        "---\n---\napiVersion: v1\nkind: List\nitems:\n"
        "- {apiVersion: v1, kind: Namespace, metadata: {name: a}}\n"
        "- {apiVersion: v1, kind: ServiceList, items: [{apiVersion: v1, kind: Service, metadata: {name: s}}]}\n"
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
    )
    assert [(o.kind, o.metadata.name) for o in manifests.load(text)] == [
        ("Namespace", "a"),
        ("Service", "s"),
        ("Deployment", "d"),
    ]


def test_target_port_keeps_int_or_string():
    (svc,) = manifests.load(
        SVC + "spec: {ports: [{port: 80, targetPort: http}, {port: 81, targetPort: 8081}]}"
    )
    assert svc.spec.ports[0].targetPort == "http" and svc.spec.ports[1].targetPort == 8081


def test_timestamps_dump_as_rfc3339():
    (svc,) = manifests.load(SVC.replace("{name: x}", "{name: x, creationTimestamp: '2026-01-02T03:04:05Z'}"))
    assert svc.to_dict()["metadata"]["creationTimestamp"] == "2026-01-02T03:04:05Z"


BAD = [
    # (manifest, error class, exact message)
    (
        SVC + "spec: {foo: 1}",
        ManifestError,
        'Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.foo"',
    ),
    (
        SVC + "spec: {ports: [{port: 80, prot: TCP}]}",
        ManifestError,
        'Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.ports[0].prot"',
    ),
    (
        SVC + "spec: {ports: [{port: '80'}]}",
        ManifestError,
        'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal string into Go struct field '
        "ServicePort.spec.ports.port of type int32",
    ),
    (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replicas: '3'}",
        ManifestError,
        'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct '
        "field DeploymentSpec.spec.replicas of type int32",
    ),
    (
        SVC + "spec: {selector: {app: 1}}",
        ManifestError,
        'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal number into Go struct field '
        "ServiceSpec.spec.selector of type string",
    ),
    (
        SVC + "spec: {ports: 80}",
        ManifestError,
        'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal number into Go struct field '
        "ServiceSpec.spec.ports of type []v1.ServicePort",
    ),
    (
        "apiVersion: v1\nkind: Servic\nmetadata: {name: x}",
        ManifestError,
        'resource mapping not found for name: "x" namespace: "" from "STDIN": no matches for kind "Servic" in version '
        '"v1"\nensure CRDs are installed first',
    ),
    ("kind: Service\nmetadata: {name: x}", ManifestError, "error validating data: apiVersion not set"),
    ("metadata: {name: x}", ManifestError, "error validating data: [apiVersion not set, kind not set]"),
    (
        # go-yaml v2 decode.go parser.fail: the 0-based line of a scanner error plus one, and no "line N:" when the
        # problem is on the first line
        "a: b: c",
        ManifestError,
        "error converting YAML to JSON: yaml: mapping values are not allowed in this context",
    ),
    (
        "x: 1\na: b: c",
        ManifestError,
        "error converting YAML to JSON: yaml: line 2: mapping values are not allowed in this context",
    ),
    ("- 1\n- 2", ManifestError, "error validating data: the manifest must be an object, not array"),
    (
        "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: s}",
        InvalidError,
        'The EndpointSlice "s" is invalid: addressType: Required value',
    ),
]


@pytest.mark.parametrize("text,cls,message", BAD)
def test_bad_input_gives_the_real_message(text, cls, message):
    with pytest.raises(cls) as info:
        manifests.load(text)
    assert str(info.value) == message


def test_unknown_field_error_names_object_and_field():
    with pytest.raises(ManifestError) as info:
        manifests.load(SVC + "spec: {ports: [{port: 80, prot: TCP}]}")
    assert (info.value.kind, info.value.name, info.value.field) == ("Service", "x", "spec.ports[0].prot")


def test_yaml_alias_bomb_is_refused_quickly():
    levels = ["a: &a [1,1,1,1,1,1,1,1,1,1]"]
    prev = "a"
    for name in "bcdefghi":
        levels.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 10) + "]")
        prev = name
    # go-yaml v2 decode.go (sigs.k8s.io/yaml's YAML parser): "document contains excessive aliasing" once alias
    # expansion exceeds allowedAliasRatio of all decodes
    with pytest.raises(ManifestError) as err:
        manifests.load("\n".join(levels) + "\n")
    assert str(err.value) == "error converting YAML to JSON: yaml: document contains excessive aliasing"


def test_huge_document_is_refused():
    # one object over kube-apiserver's MaxRequestBodyBytes gets the API server's 413 (limitedReadBody)
    text = SVC + "spec:\n  selector:\n" + "".join(f"    k{i}: v\n" for i in range(400_000))
    with pytest.raises(ManifestError, match="Request entity too large: limit is 3145728"):
        manifests.load(text)


def test_unsafe_yaml_tags_are_not_constructed():
    # go-yaml v2 (decode.go, resolve.go) constructs nothing from a tag it does not know: a tagged sequence is a
    # sequence and a tagged scalar is its string, so the document is judged as the JSON it becomes (PyYAML's
    # "could not determine a constructor" was never what kubectl says)
    with pytest.raises(ManifestError) as err:
        manifests.load("!!python/object/apply:os.system ['true']")
    assert str(err.value) == "error validating data: the manifest must be an object, not array"
    (svc,) = manifests.load(SVC.replace("{name: x}", "{name: !!python/name:os.system x}"))
    assert svc.metadata.name == "x"


@pytest.mark.parametrize(
    "text",
    [
        "{",
        "[1, 2",
        "\t- x",
        "apiVersion: v1\nkind: Service\nmetadata: [1]",
        "apiVersion: 5\nkind: Service",
        "null",
        "''",
        "42",
    ],
)
def test_garbage_never_escapes_as_another_exception(text):
    try:
        manifests.load(text)
    except K8snetError:
        pass
