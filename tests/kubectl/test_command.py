"""Tests for k8snet.kubectl.command (the kubectl command-line front end).

Runs against the real API server (k8snet.apiserver) with no controllers, so what is checked is kubectl's own
behaviour. Expected texts come from upstream kubernetes/kubectl:

* ``pkg/cmd/create/create_deployment.go`` (``deployment.apps/NAME created``, labels ``app=NAME``, container named
  after the image without registry, tag or digest);
* ``pkg/cmd/run/run.go`` (``pod/NAME created``, label ``run=NAME``);
* ``pkg/cmd/expose/expose.go`` + ``pkg/polymorphichelpers`` (``service/NAME exposed``, selector, ports, labels);
* ``pkg/cmd/delete/delete.go`` ``PrintObj`` (``service "x" deleted from default namespace``);
* ``pkg/cmd/get/get.go`` (``No resources found in default namespace.`` on stderr);
* cobra/pflag unknown flag text and ``cmdutil.UsageErrorf``.
"""

from __future__ import annotations

import pytest

import k8snet.sim  # noqa: F401  (imported first: k8snet.sim and k8snet.apiserver import each other)
from k8snet.api.core_v1 import Namespace
from k8snet.apiserver.server import APIServer
from k8snet.apiserver.store import Store
from k8snet.clock import SimClock
from k8snet.errors import KubectlError
from k8snet.kubectl.command import KubectlCluster, KubectlOutput, parse_flags, run


class MiniCluster(KubectlCluster):
    """What kubectl needs of a cluster (``api``, ``clock``, ``reconcile``), without controllers."""

    def __init__(self):
        self.clock = SimClock()
        self.api = APIServer(Store(self.clock), self.clock)
        self.api.create(Namespace(metadata={"name": "default"}))

    def reconcile(self):
        pass  # no controllers to run


@pytest.fixture
def c():
    return MiniCluster()


def test_create_deployment_labels_and_container_name(c):
    out = run(
        c, "kubectl create deployment web --image=registry.k8s.io/nginx:1.27@sha256:abc --port=8080 -r 2"
    )
    assert out == "deployment.apps/web created\n"
    d = c.api.get("Deployment", "web")
    assert d.metadata.labels == {"app": "web"}
    assert d.spec.selector.matchLabels == {"app": "web"}
    assert d.spec.replicas == 2
    ct = d.spec.template.spec.containers[0]
    assert (ct.name, ct.image, ct.ports[0].containerPort) == (
        "nginx",
        "registry.k8s.io/nginx:1.27@sha256:abc",
        8080,
    )


def test_create_deployment_requires_image(c):
    with pytest.raises(KubectlError) as e:
        run(c, "create deployment web")
    assert str(e.value) == 'error: required flag(s) "image" not set'


def test_run_creates_a_labelled_pod(c):
    assert run(c, "kubectl run nginx --image=nginx --port=80") == "pod/nginx created\n"
    p = c.api.get("Pod", "nginx")
    assert p.metadata.labels == {"run": "nginx"}
    assert p.spec.containers[0].name == "nginx"
    assert p.spec.containers[0].ports[0].containerPort == 80
    assert p.spec.restartPolicy == "Always"


def test_expose_deployment_single_port_is_unnamed(c):
    run(c, "create deployment nginx --image=nginx --port=80")
    assert (
        run(c, "expose deployment nginx --type=ClusterIP --name=nginx-svc") == "service/nginx-svc exposed\n"
    )
    s = c.api.get("Service", "nginx-svc")
    assert s.metadata.labels == {"app": "nginx"}  # inherited from the deployment
    assert s.spec.selector == {"app": "nginx"}
    assert [(p.name, p.port, p.targetPort, p.protocol) for p in s.spec.ports] == [(None, 80, 80, "TCP")]


def test_expose_several_ports_are_named_and_target_port(c):
    run(c, "run multi --image=nginx --labels=app=multi,tier=web")
    run(c, "expose pod multi --port=80,443 --target-port=8443 --name=m")
    s = c.api.get("Service", "m")
    assert [(p.name, p.port, p.targetPort) for p in s.spec.ports] == [
        ("port-1", 80, 8443),
        ("port-2", 443, 8443),
    ]
    assert s.spec.selector == {"app": "multi", "tier": "web"}


def test_expose_pod_without_ports_fails(c):
    run(c, "run bare --image=busybox")
    with pytest.raises(KubectlError) as e:
        run(c, "expose pod bare")
    assert str(e.value) == (
        "error: couldn't find port via --port flag or introspection\n"
        "See 'kubectl expose -h' for help and examples"
    )


def test_expose_missing_object(c):
    # apimachinery NewNotFound uses the GroupResource: "deployments.apps" for apps/v1 Deployments.
    with pytest.raises(KubectlError) as e:
        run(c, "expose deployment nope --port=80")
    assert str(e.value) == 'Error from server (NotFound): deployments.apps "nope" not found'


def test_get_no_resources_goes_to_stderr(c):
    out = run(c, "kubectl get pods")
    assert isinstance(out, KubectlOutput)
    assert (out, out.stderr) == ("", "No resources found in default namespace.\n")
    out = run(c, "kubectl get svc -n kube-system")
    assert out.stderr == "No resources found in kube-system namespace.\n"


def test_get_errors(c):
    with pytest.raises(KubectlError) as e:
        run(c, "kubectl get foo")
    assert str(e.value) == 'error: the server doesn\'t have a resource type "foo"'
    with pytest.raises(KubectlError) as e:
        run(c, "kubectl get svc x")
    assert str(e.value) == 'Error from server (NotFound): services "x" not found'
    with pytest.raises(KubectlError) as e:
        run(c, "kubectl get svc --foo")
    assert str(e.value) == "error: unknown flag: --foo\nSee 'kubectl get --help' for usage."
    with pytest.raises(KubectlError) as e:
        run(c, "kubectl get svc -z")
    assert str(e.value) == "error: unknown shorthand flag: 'z' in -z\nSee 'kubectl get --help' for usage."


def test_get_table_and_name_and_aliases(c):
    run(c, "create deployment nginx --image=nginx --port=80")
    run(c, "expose deploy nginx --name=nginx-svc")
    svc = c.api.get("Service", "nginx-svc")
    c.clock.advance(7)
    out = run(c, "get services")
    assert out == (
        "NAME        TYPE        CLUSTER-IP      EXTERNAL-IP   PORT(S)   AGE\n"
        f"nginx-svc   ClusterIP   {svc.spec.clusterIP:<13}   <none>        80/TCP    7s\n"
    )
    assert run(c, "get svc/nginx-svc -o name") == "service/nginx-svc\n"
    assert run(c, "get deploy,svc -o name") == "deployment.apps/nginx\nservice/nginx-svc\n"
    wide = run(c, "get svc -o wide")
    assert wide.splitlines()[0].endswith("AGE   SELECTOR")
    assert run(c, "get svc -l app=other").stderr == "No resources found in default namespace.\n"


def test_get_yaml_single_and_list(c):
    run(c, "run nginx --image=nginx")
    single = run(c, "get pod nginx -o yaml")
    assert single.startswith("apiVersion: v1\nkind: Pod\nmetadata:\n")
    listed = run(c, "get pods -o yaml")
    assert listed.startswith("apiVersion: v1\nitems:\n- apiVersion: v1\n")
    assert listed.endswith('kind: List\nmetadata:\n  resourceVersion: ""\n')


def test_describe_service_and_prefix_match(c):
    run(c, "create deployment nginx --image=nginx --port=80")
    run(c, "expose deployment nginx --name=nginx-svc")
    out = run(c, "describe svc nginx")  # no Service "nginx": describe falls back to the name prefix
    assert out.startswith("Name:                     nginx-svc\n")
    assert out.endswith("Events:                   <none>\n")
    with pytest.raises(KubectlError) as e:
        run(c, "describe svc zzz")
    assert str(e.value) == 'Error from server (NotFound): services "zzz" not found'


def test_scale_label_delete(c):
    run(c, "create deployment nginx --image=nginx")
    assert run(c, "scale deployment nginx --replicas=3") == "deployment.apps/nginx scaled\n"
    assert c.api.get("Deployment", "nginx").spec.replicas == 3
    run(c, "run p --image=nginx")
    assert run(c, "label pod p tier=web") == "pod/p labeled\n"
    with pytest.raises(KubectlError) as e:
        run(c, "label pod p run=other")
    assert str(e.value) == "error: 'run' already has a value (p), and --overwrite is false"
    assert run(c, "label pod p run=other --overwrite") == "pod/p labeled\n"
    assert c.api.get("Pod", "p").metadata.labels == {"run": "other", "tier": "web"}
    assert run(c, "label pod p tier-") == "pod/p labeled\n"
    run(c, "expose deployment nginx --port=80")
    assert run(c, "delete svc nginx") == 'service "nginx" deleted from default namespace\n'
    assert run(c, "delete deployment nginx") == 'deployment.apps "nginx" deleted from default namespace\n'
    with pytest.raises(KubectlError) as e:
        run(c, "delete svc nginx")
    assert str(e.value) == 'Error from server (NotFound): services "nginx" not found'


def test_apply_created_configured_unchanged():
    from k8snet.sim import Cluster

    c = Cluster()  # with controllers, as a real apply meets them
    manifest = """
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports: [{port: 80}]
"""
    assert run(c, "apply -f -", stdin=manifest) == "service/web created\n"
    assert run(c, "apply -f -", stdin=manifest) == "service/web unchanged\n"
    assert run(c, "kubectl apply -f -", stdin=manifest.replace("80", "81")) == "service/web configured\n"


def test_create_f_already_exists(c):
    manifest = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}\n"
    assert run(c, "create -f -", stdin=manifest) == "service/web created\n"
    with pytest.raises(KubectlError) as e:
        run(c, "create -f -", stdin=manifest)
    assert str(e.value) == (
        'Error from server (AlreadyExists): error when creating "STDIN": services "web" already exists'
    )


def test_unknown_command_suggests():
    with pytest.raises(KubectlError) as e:
        run(None, "kubectl gett pods")
    assert str(e.value) == 'error: unknown command "gett" for "kubectl"\n\nDid you mean this?\n\tget\n\tset'


def test_pflag_forms():
    from k8snet.kubectl.command import Flag

    flags = [Flag("output", "o"), Flag("all-namespaces", "A", "bool", False)]
    p = parse_flags("get", ["pods", "-oyaml", "-A", "-n=kube-system", "--output", "json", "x"], flags)
    assert p.args == ["pods", "x"]
    assert (p.flags["output"], p.flags["all-namespaces"], p.flags["namespace"]) == (
        "json",
        True,
        "kube-system",
    )
    with pytest.raises(KubectlError) as e:
        parse_flags("get", ["-o"], flags)
    assert str(e.value) == "error: flag needs an argument: -o, --output\nSee 'kubectl get --help' for usage."


def test_dry_run_client_prints_generated_objects(c):
    # The objects the generators build, as sigs.k8s.io/yaml prints them: struct fields always present
    # (resources: {}, strategy: {}, status: {}), no creationTimestamp since v1.34 (kubernetes#130989).
    assert run(c, "run nginx --image=nginx --dry-run=client -o yaml") == (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n    run: nginx\n  name: nginx\nspec:\n  containers:\n"
        "  - image: nginx\n    name: nginx\n    resources: {}\n  dnsPolicy: ClusterFirst\n  restartPolicy: Always\n"
        "status: {}\n"
    )
    assert run(c, "create deployment web --image=nginx --dry-run=client -o yaml") == (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels:\n    app: web\n  name: web\nspec:\n"
        "  replicas: 1\n  selector:\n    matchLabels:\n      app: web\n  strategy: {}\n  template:\n    metadata:\n"
        "      labels:\n        app: web\n    spec:\n      containers:\n      - image: nginx\n        name: nginx\n"
        "        resources: {}\nstatus: {}\n"
    )
    assert run(c, "run p --image=nginx --dry-run=client") == "pod/p created (dry run)\n"
    assert c.api.list("Pod", "default") == []
    with pytest.raises(KubectlError) as e:
        run(c, "run p --image=nginx --dry-run=maybe")
    assert str(e.value) == 'error: Invalid dry-run value (maybe). Must be "none", "server", or "client".'


def test_magics_print_like_a_terminal(capsys, monkeypatch):
    from k8snet import notebook as magics
    from k8snet.sim import Cluster

    monkeypatch.setitem(magics._state, "cluster", None)
    magics.use(Cluster(), register=False)
    magics.kubectl("get pods")
    magics.kubectl("get svc nope")
    magics.kubectl_apply("", "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {foo: 1}\n")
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(
        'No resources found in default namespace.\nError from server (NotFound): services "nope" not found\n'
    )
    assert 'unknown field "spec.foo"' in err
    assert "Traceback" not in err
    magics.kubectl("run web --image=nginx")
    assert capsys.readouterr().out == "pod/web created\n"


def test_endpoints_requests_carry_the_deprecation_warning(c):
    # kube-apiserver v1.33+ (KEP-4974) warns on every v1 Endpoints request; kubectl prints it on stderr.
    out = run(c, "get ep")
    assert out.stderr == (
        "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n"
        "No resources found in default namespace.\n"
    )
    assert run(c, "get endpointslices").stderr == "No resources found in default namespace.\n"
