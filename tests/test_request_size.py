"""kube-apiserver's request-body limit applies to each object, not to a file (issue 11 item 3's remainder).

kubectl sends every object of a file as a request of its own; kube-apiserver reads at most ``MaxRequestBodyBytes``
(3 MiB, k8s.io/apiserver ``pkg/server/config.go``) of a body and answers a longer one with
``errors.NewRequestEntityTooLargeError(fmt.Sprintf("limit is %d", limit))`` (``limitedReadBody``,
``pkg/endpoints/handlers/rest.go``), before decoding it. kubectl prints that Status with the source added
(``cmdutil.AddSourceToErr``: ``error when creating "<file>": ...``). YAML's own safety limits (alias expansion,
nesting) stay per document.
"""

from __future__ import annotations

import json

import pytest

from k8snet import manifests
from k8snet.errors import KubectlError, ManifestError, NotFoundError, RequestEntityTooLargeError
from k8snet.sim.cluster import Cluster

LIMIT = 3 * 1024 * 1024


def service(name, annotation_bytes=0):
    doc = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name},
        "spec": {"selector": {"app": name}, "ports": [{"port": 80}]},
    }
    if annotation_bytes:
        doc["metadata"]["annotations"] = {"note": "x" * annotation_bytes}
    return doc


def padded_to(size):
    """A Service whose request body is exactly ``size`` bytes."""
    doc = service("pad", annotation_bytes=1)
    doc["metadata"]["annotations"]["note"] = "x" * (1 + size - manifests.request_body_bytes(doc))
    assert manifests.request_body_bytes(doc) == size
    return doc


def test_the_limit_is_kube_apiservers():
    assert manifests.MAX_MANIFEST_BYTES == LIMIT  # MaxRequestBodyBytes: int64(3 * 1024 * 1024)


def test_the_body_is_measured_as_kubectl_sends_it():
    doc = service("a")
    compact = json.dumps(doc, separators=(",", ":"))
    assert manifests.request_body_bytes(doc) == len(compact) + 1  # json.Encoder ends with a newline
    # encoding/json escapes <, > and & as \u003c, \u003e, \u0026 (6 bytes for 1), U+2028 as \u2028 (6 for 3)
    doc["metadata"]["annotations"] = {"html": "<&>", "ls": "\u2028"}
    compact = json.dumps(doc, separators=(",", ":"), ensure_ascii=False)
    assert manifests.request_body_bytes(doc) == len(compact.encode()) + 3 * 5 + 3 + 1


def test_a_body_of_exactly_the_limit_is_read_one_byte_more_is_refused():
    # limitedReadBody reads limit+1 bytes and refuses the body when it got them all
    (obj,) = manifests.load(padded_to(LIMIT))
    assert obj.metadata.name == "pad"
    with pytest.raises(RequestEntityTooLargeError) as err:
        manifests.load(padded_to(LIMIT + 1))
    assert (
        str(err.value)
        == "Error from server (RequestEntityTooLarge): Request entity too large: limit is 3145728"
    )
    assert (err.value.kind, err.value.name) == ("Service", "pad")


def test_a_file_of_many_objects_over_the_limit_in_all_applies(tmp_path):
    # 25 Services with a 200 KiB annotation each (under the API server's 256 KiB annotation limit): a 5 MB file
    docs = [service(f"s{i:02d}", annotation_bytes=200 * 1024) for i in range(25)]
    text = "---\n".join(json.dumps(d) + "\n" for d in docs)
    assert len(text) > 5_000_000
    path = tmp_path / "many.yaml"
    path.write_text(text)
    c = Cluster(preset="minikube")
    out = c.kubectl(f"create -f {path}")
    assert out == "".join(f"service/s{i:02d} created\n" for i in range(25))
    assert len(c.get("svc", "s24").metadata.annotations["note"]) == 200 * 1024


def test_one_object_over_the_limit_gets_the_servers_error_and_the_others_are_sent(tmp_path):
    # kubectl sends each object of the file as a request of its own (resource.Builder visits them one by one):
    # the small one is created, the big one gets the server's 413 with kubectl's AddSourceToErr prefix
    docs = [service("small"), service("big", annotation_bytes=LIMIT)]
    path = tmp_path / "big.yaml"
    path.write_text("---\n".join(json.dumps(d) + "\n" for d in docs))
    c = Cluster(preset="minikube")
    before = c.store.dump()
    with pytest.raises(RequestEntityTooLargeError):
        c.apply(path, atomic=True)  # all or nothing
    assert c.store.dump() == before
    for verb in ("create", "apply"):
        with pytest.raises(KubectlError) as err:
            c.kubectl(f"{verb} -f {path}")
        assert str(err.value).endswith(
            f'Error from server (RequestEntityTooLarge): error when creating "{path}": '
            "Request entity too large: limit is 3145728"
        )
        assert c.get("svc", "small").metadata.name == "small"
        c.delete("svc", "small")
    with pytest.raises(KubectlError) as err:
        c.kubectl("create -f -", stdin=path.read_text())
    assert 'error when creating "STDIN": Request entity too large: limit is 3145728' in str(err.value)
    with pytest.raises(NotFoundError):
        c.get("svc", "big")


def test_the_body_limit_comes_before_decoding():
    # the body is refused before the API server decodes it: no "unknown field" for an object that is too large
    doc = service("big", annotation_bytes=LIMIT)
    doc["spec"]["bogus"] = 1
    with pytest.raises(RequestEntityTooLargeError):
        manifests.load(doc)


def test_each_item_of_a_list_is_its_own_request():
    items = [service(f"s{i}", annotation_bytes=LIMIT // 2) for i in range(3)]
    objs = manifests.load({"apiVersion": "v1", "kind": "List", "items": items})
    assert [o.metadata.name for o in objs] == ["s0", "s1", "s2"]


def test_yaml_alias_expansion_is_limited_in_every_document_of_a_stream():
    # go-yaml v2's allowedAliasRatio: a billion laughs in the second document is refused as in the first
    laughs = ["a: &a [1,1,1,1,1,1,1,1,1,1]"]
    prev = "a"
    for name in "bcdefghi":
        laughs.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 10) + "]")
        prev = name
    text = "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n" + "\n".join(laughs) + "\n"
    with pytest.raises(ManifestError) as err:
        manifests.load(text)
    assert str(err.value) == "error converting YAML to JSON: yaml: document contains excessive aliasing"


def test_yaml_alias_counts_start_again_with_each_document():
    # each document expands 150 aliases of a small object; counted over the whole stream the aliases would pass
    # go-yaml's 100-alias threshold many times over, counted per document (a decoder per document) they are fine
    doc = "apiVersion: v1\nkind: List\nitems:\n- &ns {apiVersion: v1, kind: Namespace, metadata: {name: x}}\n"
    doc += "".join("- *ns\n" for _ in range(150))
    objs = manifests.load("---\n".join([doc] * 20))
    assert len(objs) == 20 * 151


def test_yaml_nesting_is_limited_in_every_document_of_a_stream():
    deep = "apiVersion: v1\nkind: Namespace\nmetadata: {name: a, labels: " + "[" * 150 + "]" * 150 + "}\n"
    fine = "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n"
    with pytest.raises(ManifestError, match="nests more than 100 levels"):
        manifests.load(fine + "---\n" + deep)


def test_a_stream_over_k8snets_own_bound_is_refused_before_parsing():
    text = "# padding\n" * (manifests.MAX_STREAM_BYTES // 10 + 1)
    with pytest.raises(ManifestError) as err:
        manifests.load(text)
    assert str(err.value) == (
        "the manifest is larger than 67108864 bytes, the most k8snet reads at once (kube-apiserver's limit is per "
        "object: 3145728 bytes)"
    )
