"""``kubectl apply -f`` as kubectl v1.34 does it (kubernetes/kubectl ``pkg/cmd/apply/apply.go`` ``Run`` and
``applyOneObject``, ``pkg/cmd/util/helpers.go`` ``checkErr``, cli-runtime's resource builder): each object on its
own, every failure reported with kubectl's text after the others were applied, exit status 1 when any failed.

The expected texts are kubectl's formats (cited per test); the transcripts they match are public (e.g. a
``kubectl apply -f deployment.yaml`` of an ``apps/v1beta2`` Deployment printing ``error: resource mapping not
found for name: "nginx" namespace: "" from "deployment.yaml": no matches for kind "Deployment" in version
"apps/v1beta2"`` and ``ensure CRDs are installed first``).
"""

from __future__ import annotations

import pytest

from k8snet.errors import InvalidError, K8snetError, KubectlError
from k8snet.kubectl.apply import ApplyError
from k8snet.kubectl.command import run
from k8snet.sim.cluster import Cluster

CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  index.html: hello
"""
SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 8080
"""
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx
        ports: [{containerPort: 8080}]
"""
BAD_SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: bad
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, nodePort: 80}]
"""
OLD_INGRESS = """\
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: old
spec:
  backend: {serviceName: web, servicePort: 80}
"""
CERTIFICATE = """\
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: web-tls
  namespace: default
spec:
  secretName: web-tls
"""
NODE_PORT_ERROR = (
    "spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. "
    "The range of valid ports is 30000-32767"
)


def stream(*docs: str) -> str:
    return "---\n".join(docs)


@pytest.fixture
def c():
    return Cluster(preset="minikube")


def test_mixed_file_applies_every_kind(c):
    out = run(c, "apply -f -", stdin=stream(CONFIGMAP, SERVICE, DEPLOYMENT))
    assert out == "configmap/web-config created\nservice/web created\ndeployment.apps/web created\n"
    assert out.stderr == ""
    assert len(c.pods("default")) == 2
    assert run(c, "apply -f -", stdin=stream(CONFIGMAP, SERVICE, DEPLOYMENT)) == (
        "configmap/web-config unchanged\nservice/web unchanged\ndeployment.apps/web unchanged\n"
    )


def test_an_invalid_object_in_the_middle_is_reported_and_the_rest_applied(c):
    # one error: checkErr prints an Invalid status as "The <Kind> "<name>" is invalid: ..." (helpers.go)
    with pytest.raises(InvalidError) as err:
        run(c, "apply -f -", stdin=stream(CONFIGMAP, BAD_SERVICE, DEPLOYMENT))
    assert err.value.stdout == "configmap/web-config created\ndeployment.apps/web created\n"
    assert str(err.value) == f'The Service "bad" is invalid: {NODE_PORT_ERROR}'
    assert c.get("cm", "web-config") and c.get("deploy", "web")
    with pytest.raises(K8snetError):
        c.get("svc", "bad")


def test_a_removed_api_version_gets_the_restmapper_message(c):
    # kubectl has no message of its own for a removed version: its RESTMapper finds no such kind
    with pytest.raises(KubectlError) as err:
        run(c, "apply -f -", stdin=stream(CONFIGMAP, OLD_INGRESS, SERVICE))
    assert err.value.stdout == "configmap/web-config created\nservice/web created\n"
    assert str(err.value) == (
        'error: resource mapping not found for name: "old" namespace: "" from "STDIN": '
        'no matches for kind "Ingress" in version "extensions/v1beta1"\n'
        "ensure CRDs are installed first"
    )


def test_several_errors_one_line_each_builder_errors_first(c):
    # MultipleErrors: the builder's (mapping) error first, then each failed request with its source, as
    # StandardErrorMessage prints an API status: "Error from server (Invalid): error when creating ..."
    with pytest.raises(ApplyError) as err:
        run(c, "apply -f -", stdin=stream(CONFIGMAP, BAD_SERVICE, CERTIFICATE, SERVICE))
    assert err.value.stdout == "configmap/web-config created\nservice/web created\n"
    assert str(err.value) == (
        'resource mapping not found for name: "web-tls" namespace: "default" from "STDIN": '
        'no matches for kind "Certificate" in version "cert-manager.io/v1"\n'
        "ensure CRDs are installed first\n"
        f'Error from server (Invalid): error when creating "STDIN": Service "bad" is invalid: {NODE_PORT_ERROR}'
    )
    assert [type(e).__name__ for e in err.value.errors] == ["NoKindMatchError", "InvalidError"]


def test_two_unknown_kinds_only_print_one_per_line_without_prefix(c):
    with pytest.raises(ApplyError) as err:
        run(c, "apply -f -", stdin=stream(CERTIFICATE, OLD_INGRESS))
    assert err.value.stdout == ""
    lines = str(err.value).split("\n")
    assert [line[:32] for line in lines[::2]] == ["resource mapping not found for n"] * 2
    assert lines[1::2] == ["ensure CRDs are installed first"] * 2


def test_a_mapping_error_grouped_with_a_failed_request_is_bracketed(c):
    # two builder errors and a failed request: the builder's aggregate prints as Error(): "[a, b]"
    with pytest.raises(ApplyError) as err:
        run(c, "apply -f -", stdin=stream(CERTIFICATE, OLD_INGRESS, BAD_SERVICE))
    first, last = str(err.value).rsplit("\n", 1)
    assert first.startswith('[resource mapping not found for name: "web-tls"')
    assert first.endswith('in version "extensions/v1beta1"\nensure CRDs are installed first]')
    assert ', resource mapping not found for name: "old"' in first
    assert last.startswith(
        'Error from server (Invalid): error when creating "STDIN": Service "bad" is invalid:'
    )


def test_unknown_field_is_the_servers_bad_request(c):
    # --validate=strict (the default): server-side field validation refuses it with 400 BadRequest
    doc = SERVICE.replace("spec:\n", "spec:\n  foo: 1\n")
    with pytest.raises(KubectlError) as err:
        run(c, "apply -f -", stdin=stream(CONFIGMAP, doc))
    assert err.value.stdout == "configmap/web-config created\n"
    assert str(err.value) == (
        'Error from server (BadRequest): error when creating "STDIN": Service in version "v1" cannot be handled '
        'as a Service: strict decoding error: unknown field "spec.foo"'
    )


def test_a_yaml_error_ends_the_stream_the_objects_before_it_are_applied(c):
    # StreamVisitor returns "error parsing <source>: ..." and reads no further
    broken = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: a: b\n"
    with pytest.raises(KubectlError) as err:
        run(c, "apply -f -", stdin=stream(CONFIGMAP, broken, SERVICE))
    assert err.value.stdout == "configmap/web-config created\n"
    assert str(err.value) == (
        "error: error parsing STDIN: error converting YAML to JSON: yaml: line 4: mapping values are not "
        "allowed in this context"
    )
    with pytest.raises(K8snetError):
        c.get("svc", "web")


def test_missing_api_version_is_client_side_validation(c):
    with pytest.raises(KubectlError) as err:
        run(c, "apply -f -", stdin="kind: ConfigMap\nmetadata: {name: x}\n")
    assert str(err.value) == (
        'error: error validating "STDIN": error validating data: apiVersion not set; if you choose to ignore '
        "these errors, turn validation off with --validate=false"
    )


def test_namespace_mismatch_with_explicit_namespace(c):
    # cli-runtime RequireNamespace (-n given): the object is refused, the others applied
    other = CONFIGMAP.replace("name: web-config", "name: other\n  namespace: shop")
    with pytest.raises(KubectlError) as err:
        run(c, "apply -f - -n default", stdin=stream(other, SERVICE))
    assert err.value.stdout == "service/web created\n"
    assert str(err.value) == (
        'error: the namespace from the provided object "shop" does not match the namespace "default". '
        "You must pass '--namespace=shop' to perform this operation."
    )
    # without -n the object's own namespace is used (and must exist)
    with pytest.raises(KubectlError) as err:
        run(c, "apply -f -", stdin=other)
    assert (
        str(err.value)
        == 'Error from server (NotFound): error when creating "STDIN": namespaces "shop" not found'
    )


def test_a_path_that_does_not_exist_stops_everything(c, tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(CONFIGMAP)
    with pytest.raises(KubectlError) as err:
        run(c, f"apply -f nothere.yaml -f {good}")
    assert str(err.value) == 'error: the path "nothere.yaml" does not exist'
    assert c.api.list("ConfigMap", "default") == []


def test_a_directory_contributes_its_manifests(c, tmp_path):
    # ExpandPathsToFileVisitors: lexical order, .json/.yaml/.yml only, subdirectories only with -R
    (tmp_path / "b-service.yml").write_text(SERVICE)
    (tmp_path / "a-config.yaml").write_text(CONFIGMAP)
    (tmp_path / "notes.txt").write_text("not a manifest")
    (tmp_path / "c-bad.json").write_text(
        '{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "bad"}, "spec": {"type": "NodePort", '
        '"ports": [{"port": 80, "nodePort": 80}]}}'
    )
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "deploy.yaml").write_text(DEPLOYMENT)
    with pytest.raises(InvalidError) as err:
        run(c, f"apply -f {tmp_path}")
    assert err.value.stdout == "configmap/web-config created\nservice/web created\n"
    with pytest.raises(K8snetError):
        c.get("deploy", "web")  # in a subdirectory: only with -R
    with pytest.raises(KubectlError) as err:
        run(c, f"apply -f {tmp_path}/notes.txt")
    # a file named explicitly is read whatever its extension; a plain string is no object
    assert str(err.value).startswith(
        f'error: error validating "{tmp_path}/notes.txt": error validating data: '
    )


def test_recursive_directory(c, tmp_path):
    (tmp_path / "a.yaml").write_text(CONFIGMAP)
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "deploy.yaml").write_text(DEPLOYMENT)
    assert run(c, f"apply -f {tmp_path}") == "configmap/web-config created\n"
    assert (
        run(c, f"apply -R -f {tmp_path}") == "configmap/web-config unchanged\ndeployment.apps/web created\n"
    )


def test_a_binary_file_is_an_error_not_a_traceback(c, tmp_path):
    blob = tmp_path / "image.yaml"
    blob.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    with pytest.raises(KubectlError) as err:
        run(c, f"apply -f {blob}")
    assert str(err.value) == (
        f"error: error parsing {blob}: error converting YAML to JSON: yaml: invalid leading UTF-8 octet"
    )


def test_an_empty_stream_passes_no_objects(c):
    with pytest.raises(KubectlError) as err:
        run(c, "apply -f -", stdin="# nothing here\n---\n")
    assert str(err.value) == "error: no objects passed to apply"


def test_generate_name_cannot_be_applied(c):
    doc = CONFIGMAP.replace("name: web-config", "generateName: web-")
    with pytest.raises(KubectlError) as err:
        run(c, "apply -f -", stdin=doc)
    assert str(err.value) == "error: from web-: cannot use generate name with apply"


def test_missing_last_applied_annotation_warns_and_is_patched(c):
    run(c, "create -f -", stdin=CONFIGMAP)
    out = run(c, "apply -f -", stdin=CONFIGMAP.replace("hello", "bye"))
    assert out == "configmap/web-config configured\n"
    assert out.stderr == (
        "Warning: resource configmaps/web-config is missing the kubectl.kubernetes.io/last-applied-configuration "
        "annotation which is required by kubectl apply. kubectl apply should only be used on resources created "
        "declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be "
        "patched automatically.\n"
    )


def test_create_reports_each_failure_in_order(c):
    run(c, "create -f -", stdin=CONFIGMAP)
    with pytest.raises(ApplyError) as err:
        run(c, "create -f -", stdin=stream(CONFIGMAP, SERVICE, BAD_SERVICE))
    assert err.value.stdout == "service/web created\n"
    assert str(err.value) == (
        'Error from server (AlreadyExists): error when creating "STDIN": configmaps "web-config" already exists\n'
        f'Error from server (Invalid): error when creating "STDIN": Service "bad" is invalid: {NODE_PORT_ERROR}'
    )


def test_dry_run_server_shows_what_the_server_would_store(c):
    before = c.store.dump()
    out = run(c, "apply -f - --dry-run=server -o yaml", stdin=SERVICE)
    assert c.store.dump() == before
    assert "clusterIP: 10." in out and "uid: " in out and "resourceVersion" not in out
    assert run(c, "apply -f - --dry-run=server", stdin=SERVICE) == "service/web created (server dry run)\n"
    assert run(c, "apply -f - --dry-run=client", stdin=SERVICE) == "service/web created (dry run)\n"
    run(c, "apply -f -", stdin=SERVICE)
    assert run(c, "apply -f - --dry-run=server", stdin=SERVICE) == "service/web unchanged (server dry run)\n"
    assert run(c, "apply -f - --dry-run=client", stdin=SERVICE) == "service/web configured (dry run)\n"
    assert run(c, "apply -f - -o name", stdin=SERVICE) == "service/web\n"


# --- the library: Cluster.apply / Cluster.create ------------------------------------------------------------


def test_cluster_apply_keeps_going_and_raises_at_the_end(c):
    with pytest.raises(ApplyError) as err:
        c.apply(stream(CONFIGMAP, BAD_SERVICE, CERTIFICATE, DEPLOYMENT))
    assert [o.metadata.name for o in err.value.applied] == ["web-config", "web"]
    assert err.value.stdout == "configmap/web-config created\ndeployment.apps/web created\n"
    assert len(c.pods("default")) == 2  # the controllers ran after the apply
    assert (
        str(err.value).splitlines()[-1].startswith('Error from server (Invalid): error when creating "STDIN"')
    )


def test_cluster_apply_atomic_is_all_or_nothing(c):
    before = c.store.dump()
    with pytest.raises(InvalidError):
        c.apply(stream(CONFIGMAP, BAD_SERVICE), atomic=True)
    assert c.store.dump() == before


def test_each_failed_object_leaves_the_store_as_it_was(c):
    # one object is all or nothing: applying a failing object alone changes nothing
    c.apply(CONFIGMAP)
    before = c.store.dump()
    for bad in (BAD_SERVICE, CERTIFICATE, OLD_INGRESS, SERVICE.replace("spec:\n", "spec:\n  foo: 1\n")):
        with pytest.raises(K8snetError):
            c.apply(bad)
        assert c.store.dump() == before
