"""The kubectl commands of issue 12 item 4: ``create namespace``, ``create service <type>``, ``create configmap``,
``create secret generic``, ``run --expose``, ``get events``, ``get all``, ``--dry-run=client|server``.

Objects and messages follow kubectl's create_namespace.go, create_service.go (createService, parsePorts,
Validate), create_configmap.go / create_secret.go (handleConfigMapFromLiteralSources, addKeyFromLiteralToConfigMap,
the "failed to create" wrapping), run.go (generateService before the pod); the ``-o yaml`` texts are what kubectl
v1.34 prints for them (no ``creationTimestamp: null`` since kubernetes#130989).
"""

from __future__ import annotations

import pytest

from k8snet.errors import KubectlError
from k8snet.sim.cluster import Cluster


@pytest.fixture
def cluster():
    return Cluster(preset="minikube")


def out(cluster, cmd: str) -> str:
    r = cluster.kubectl(cmd)
    return r.stdout + r.stderr


def err(cluster, cmd: str) -> str:
    with pytest.raises(KubectlError) as e:
        cluster.kubectl(cmd)
    return str(e.value)


def test_create_namespace(cluster):
    assert out(cluster, "create namespace test") == "namespace/test created\n"
    assert cluster.get("namespace", "test").status.phase == "Active"
    assert (
        err(cluster, "create ns test")
        == 'Error from server (AlreadyExists): namespaces "test" already exists'
    )
    assert err(cluster, "create namespace Bad_Name").startswith(
        'The Namespace "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 label'
    )
    assert out(cluster, "create namespace dry --dry-run=client -o yaml") == (
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: dry\nstatus: {}\n"
    )
    assert out(cluster, "create namespace dry --dry-run=server") == "namespace/dry created (server dry run)\n"
    assert "dry" not in out(cluster, "get ns")


@pytest.mark.parametrize(
    "cmd, stype",
    [
        ("create service clusterip my-svc --tcp=5678:8080", "ClusterIP"),
        ("create svc nodeport my-svc --tcp=5678:8080", "NodePort"),
        ("create service loadbalancer my-svc --tcp=5678:8080", "LoadBalancer"),
    ],
)
def test_create_service_types(cluster, cmd, stype):
    assert out(cluster, cmd) == "service/my-svc created\n"
    svc = cluster.get("service", "my-svc")
    assert svc.spec.type == stype
    assert svc.metadata.labels == {"app": "my-svc"} and svc.spec.selector == {"app": "my-svc"}
    (port,) = svc.spec.ports
    assert (port.name, port.port, port.targetPort, port.protocol) == ("5678-8080", 5678, 8080, "TCP")


def test_create_service_yaml(cluster):
    assert out(cluster, "create service clusterip my-cs --tcp=5678:8080 --dry-run=client -o yaml") == (
        "apiVersion: v1\nkind: Service\nmetadata:\n  labels:\n    app: my-cs\n  name: my-cs\nspec:\n  ports:\n"
        "  - name: 5678-8080\n    port: 5678\n    protocol: TCP\n    targetPort: 8080\n  selector:\n    app: my-cs\n"
        "  type: ClusterIP\nstatus:\n  loadBalancer: {}\n"
    )
    node_port = out(
        cluster, "create service nodeport my-ns --tcp=5678:8080 --node-port=30080 --dry-run=client -o yaml"
    )
    assert "    nodePort: 30080\n" in node_port


def test_create_service_externalname_and_headless(cluster):
    assert (
        out(cluster, "create service externalname my-ext --external-name bar.com")
        == "service/my-ext created\n"
    )
    assert cluster.get("service", "my-ext").spec.externalName == "bar.com"
    assert out(cluster, "create service clusterip headless --clusterip=None") == "service/headless created\n"
    assert cluster.get("service", "headless").spec.clusterIP == "None"
    table = out(cluster, "get svc my-ext headless")
    assert "my-ext     ExternalName   <none>       bar.com" in table
    assert "headless   ClusterIP      None         <none>        <none>" in table


@pytest.mark.parametrize(
    "cmd, message",
    [
        ("create service clusterip my-cs", "error: at least one tcp port specifier must be provided"),
        (
            "create service externalname bad --external-name Bad_Name",
            "error: invalid service external name Bad_Name",
        ),
        ("create svc clusterip x --tcp=abc", 'error: strconv.ParseUint: parsing "abc": invalid syntax'),
        (
            "create service foo x",
            "error: unknown command \"foo x\"\nSee 'kubectl create service -h' for help and examples",
        ),
        (
            "create service clusterip",
            "error: exactly one NAME is required, got 0\nSee 'kubectl create service clusterip -h' for help and examples",
        ),
    ],
)
def test_create_service_errors(cluster, cmd, message):
    assert err(cluster, cmd) == message


def test_create_service_server_error_is_wrapped(cluster):
    cluster.kubectl("create service clusterip web --tcp=80")
    assert err(cluster, "create service clusterip web --tcp=80") == (
        'error: failed to create ClusterIP service: services "web" already exists'
    )


def test_create_configmap(cluster):
    cmd = "create configmap my-config --from-literal=key1=config1 --from-literal=key2=config2"
    assert out(cluster, cmd) == "configmap/my-config created\n"
    assert cluster.get("configmap", "my-config").data == {"key1": "config1", "key2": "config2"}
    assert out(cluster, "get cm") == "NAME        DATA   AGE\nmy-config   2      0s\n"
    assert out(cluster, cmd + " --dry-run=client -o yaml") == (
        "apiVersion: v1\ndata:\n  key1: config1\n  key2: config2\nkind: ConfigMap\nmetadata:\n  name: my-config\n"
    )
    assert err(cluster, cmd) == 'error: failed to create configmap: configmaps "my-config" already exists'


@pytest.mark.parametrize(
    "cmd, message",
    [
        (
            "create configmap bad --from-literal=a/b=c",
            'error: "a/b" is not a valid key name for a ConfigMap: a valid config key must consist of alphanumeric '
            "characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for "
            "validation is '[-._a-zA-Z0-9]+')",
        ),
        (
            "create configmap dup --from-literal=a=1 --from-literal=a=2",
            'error: cannot add key "a", another key by that name already exists in Data for ConfigMap "dup"',
        ),
        ("create cm x --from-literal=novalue", "error: invalid literal source novalue, expected key=value"),
    ],
)
def test_create_configmap_errors(cluster, cmd, message):
    assert err(cluster, cmd) == message


def test_create_secret_generic(cluster):
    cmd = "create secret generic my-secret --from-literal=key1=supersecret"
    assert out(cluster, cmd + " --dry-run=client -o yaml") == (
        "apiVersion: v1\ndata:\n  key1: c3VwZXJzZWNyZXQ=\nkind: Secret\nmetadata:\n  name: my-secret\n"
    )
    assert out(cluster, cmd) == "secret/my-secret created\n"
    secret = cluster.get("secret", "my-secret")
    assert secret.type == "Opaque"  # defaulted by the API server
    assert out(cluster, "get secret") == "NAME        TYPE     DATA   AGE\nmy-secret   Opaque   1      0s\n"
    assert err(cluster, "create secret foo") == (
        "error: unknown command \"foo\"\nSee 'kubectl create secret -h' for help and examples"
    )


def test_run_expose(cluster):
    assert (
        out(cluster, "run nginx --image=nginx --port=80 --expose")
        == "service/nginx created\npod/nginx created\n"
    )
    svc = cluster.get("service", "nginx")
    assert svc.spec.selector == {"run": "nginx"} and svc.spec.ports[0].port == 80
    assert cluster.get("pod", "nginx").metadata.labels == {"run": "nginx"}
    assert err(cluster, "run web --image=nginx --expose") == (
        "error: --port must be set when exposing a service\nSee 'kubectl run -h' for help and examples"
    )


def test_run_expose_dry_run_yaml(cluster):
    text = out(cluster, "run nginx --image=nginx --port=80 --expose --dry-run=client -o yaml")
    service, pod = text.split("---\n")
    assert service == (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: nginx\nspec:\n  ports:\n  - port: 80\n    protocol: TCP\n"
        "    targetPort: 80\n  selector:\n    run: nginx\nstatus:\n  loadBalancer: {}\n"
    )
    assert pod.startswith("apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n    run: nginx\n  name: nginx\n")


def test_server_dry_run_shows_the_defaulted_object_and_stores_nothing(cluster):
    text = out(cluster, "create deployment d --image=nginx --dry-run=server -o yaml")
    assert "  progressDeadlineSeconds: 600\n" in text and "        imagePullPolicy: Always\n" in text
    assert "resourceVersion" not in text
    assert err(cluster, "get deploy d") == 'Error from server (NotFound): deployments.apps "d" not found'


def test_get_events_and_all(cluster):
    cluster.kubectl("run nginx --image=nginx --port=80 --expose")
    events = out(cluster, "get events")
    assert events.startswith("LAST SEEN   TYPE     REASON      OBJECT      MESSAGE\n")
    assert "Successfully assigned default/nginx to minikube" in events
    everything = out(cluster, "get all")
    assert everything.startswith("NAME        READY   STATUS    RESTARTS   AGE\npod/nginx   1/1     Running")
    assert "service/nginx        ClusterIP" in everything


@pytest.mark.parametrize("sub", ["job", "cronjob", "role", "ingress", "quota", "pdb", "priorityclass"])
def test_create_subcommands_not_built_say_so(cluster, sub):
    assert "k8snet does not model" in err(cluster, f"create {sub} x")
