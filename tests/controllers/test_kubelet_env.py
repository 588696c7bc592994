"""The environment the kubelet gives a container: Service variables and their ordering caveat.

Transcribed upstream cases: kubernetes/kubernetes ``pkg/kubelet/envvars/envvars_test.go`` (TestFromServices) and
``third_party/forked/golang/expansion/expand_test.go`` (TestMapReference, doExpansionTest). Behaviour of
``getServiceEnvVarMap``/``makeEnvironmentVariables`` (``pkg/kubelet/kubelet_pods.go``) and the Service page's
"you must create the Service before the client Pods come into existence"
(https://kubernetes.io/docs/concepts/services-networking/service/#environment-variables).
"""

from __future__ import annotations

import pytest

from k8snet import Cluster
from k8snet.api.core_v1 import Container, Pod, Service
from k8snet.controllers.kubelet import container_environment, expand, from_services, service_env_map
from k8snet.errors import KubectlError


def _svc(name, ip, ports, namespace="default"):
    return Service(metadata={"name": name, "namespace": namespace}, spec={"clusterIP": ip, "ports": ports})


def test_from_services_upstream_cases():
    # envvars_test.go TestFromServices, in its order
    sl = [
        _svc("foo-bar", "1.2.3.4", [{"port": 8080, "protocol": "TCP"}]),
        _svc(
            "abc-123",
            "5.6.7.8",
            [
                {"name": "u-d-p", "port": 8081, "protocol": "UDP"},
                {"name": "t-c-p", "port": 8081, "protocol": "TCP"},
            ],
        ),
        _svc(
            "q-u-u-x",
            "9.8.7.6",
            [{"port": 8082, "protocol": "TCP"}, {"name": "8083", "port": 8083, "protocol": "TCP"}],
        ),
        _svc("svrc-clusterip-none", "None", [{"port": 8082, "protocol": "TCP"}]),
        _svc("svrc-clusterip-empty", "", [{"port": 8082, "protocol": "TCP"}]),
    ]
    assert from_services(sl) == [
        ("FOO_BAR_SERVICE_HOST", "1.2.3.4"),
        ("FOO_BAR_SERVICE_PORT", "8080"),
        ("FOO_BAR_PORT", "tcp://1.2.3.4:8080"),
        ("FOO_BAR_PORT_8080_TCP", "tcp://1.2.3.4:8080"),
        ("FOO_BAR_PORT_8080_TCP_PROTO", "tcp"),
        ("FOO_BAR_PORT_8080_TCP_PORT", "8080"),
        ("FOO_BAR_PORT_8080_TCP_ADDR", "1.2.3.4"),
        ("ABC_123_SERVICE_HOST", "5.6.7.8"),
        ("ABC_123_SERVICE_PORT", "8081"),
        ("ABC_123_SERVICE_PORT_U_D_P", "8081"),
        ("ABC_123_SERVICE_PORT_T_C_P", "8081"),
        ("ABC_123_PORT", "udp://5.6.7.8:8081"),
        ("ABC_123_PORT_8081_UDP", "udp://5.6.7.8:8081"),
        ("ABC_123_PORT_8081_UDP_PROTO", "udp"),
        ("ABC_123_PORT_8081_UDP_PORT", "8081"),
        ("ABC_123_PORT_8081_UDP_ADDR", "5.6.7.8"),
        ("ABC_123_PORT_8081_TCP", "tcp://5.6.7.8:8081"),
        ("ABC_123_PORT_8081_TCP_PROTO", "tcp"),
        ("ABC_123_PORT_8081_TCP_PORT", "8081"),
        ("ABC_123_PORT_8081_TCP_ADDR", "5.6.7.8"),
        ("Q_U_U_X_SERVICE_HOST", "9.8.7.6"),
        ("Q_U_U_X_SERVICE_PORT", "8082"),
        ("Q_U_U_X_SERVICE_PORT_8083", "8083"),
        ("Q_U_U_X_PORT", "tcp://9.8.7.6:8082"),
        ("Q_U_U_X_PORT_8082_TCP", "tcp://9.8.7.6:8082"),
        ("Q_U_U_X_PORT_8082_TCP_PROTO", "tcp"),
        ("Q_U_U_X_PORT_8082_TCP_PORT", "8082"),
        ("Q_U_U_X_PORT_8082_TCP_ADDR", "9.8.7.6"),
        ("Q_U_U_X_PORT_8083_TCP", "tcp://9.8.7.6:8083"),
        ("Q_U_U_X_PORT_8083_TCP_PROTO", "tcp"),
        ("Q_U_U_X_PORT_8083_TCP_PORT", "8083"),
        ("Q_U_U_X_PORT_8083_TCP_ADDR", "9.8.7.6"),
    ]


def test_ipv6_urls_use_brackets():
    # makeLinkVariables joins host and port with net.JoinHostPort
    env = dict(from_services([_svc("v6", "2001:db8::1", [{"port": 80, "protocol": "TCP"}])]))
    assert env["V6_PORT"] == env["V6_PORT_80_TCP"] == "tcp://[2001:db8::1]:80"
    assert env["V6_PORT_80_TCP_ADDR"] == env["V6_SERVICE_HOST"] == "2001:db8::1"


def test_which_services_a_namespace_sees():
    k = _svc("kubernetes", "10.96.0.1", [{"name": "https", "port": 443, "protocol": "TCP"}])
    dns = _svc(
        "kube-dns", "10.96.0.10", [{"name": "dns", "port": 53, "protocol": "UDP"}], namespace="kube-system"
    )
    web = _svc("web", "10.96.7.7", [{"port": 80}], namespace="shop")
    other = _svc("web", "10.96.8.8", [{"port": 80}], namespace="default")
    ext = Service(
        metadata={"name": "ext", "namespace": "shop"}, spec={"type": "ExternalName", "externalName": "a.b"}
    )
    svcs = [k, dns, web, other, ext]
    shop = service_env_map(svcs, "shop")
    assert shop["KUBERNETES_SERVICE_HOST"] == "10.96.0.1" and shop["WEB_SERVICE_HOST"] == "10.96.7.7"
    assert not any(name.startswith(("KUBE_DNS", "EXT_")) for name in shop)  # other namespace; no ClusterIP
    # enableServiceLinks: false keeps only the master service
    assert {n.split("_")[0] for n in service_env_map(svcs, "shop", enable_service_links=False)} == {
        "KUBERNETES"
    }
    # in the master namespace itself, its own Services count too
    assert service_env_map(svcs, "default")["WEB_SERVICE_HOST"] == "10.96.8.8"


MAPPING_CASES = [
    ("$(VAR_A)", "A"),
    ("$(VAR_A)-$(VAR_A)", "A-A"),
    ("$(VAR_A)-1", "A-1"),
    ("___$(VAR_B)___", "___B___"),
    ("___$(VAR_C)", "___C"),
    ("$(VAR_A)_$(VAR_B)_$(VAR_C)", "A_B_C"),
    ("$$(VAR_B)_$(VAR_A)", "$(VAR_B)_A"),
    ("$$(VAR_A)_$$(VAR_B)", "$(VAR_A)_$(VAR_B)"),
    ("f000-$$VAR_A", "f000-$VAR_A"),
    ("foo\\$(VAR_C)bar", "foo\\Cbar"),
    ("foo\\\\$(VAR_C)bar", "foo\\\\Cbar"),
    ("foo\\\\\\\\$(VAR_A)bar", "foo\\\\\\\\Abar"),
    ("$(VAR_A$(VAR_B))", "$(VAR_A$(VAR_B))"),
    ("$(VAR_A$(VAR_B)", "$(VAR_A$(VAR_B)"),
    ("$(VAR_REF)", "$(VAR_A)"),
    ("%%$(VAR_REF)--$(VAR_REF)%%", "%%$(VAR_A)--$(VAR_A)%%"),
    ("foo$(VAR_EMPTY)bar", "foobar"),
    ("foo$(VAR_Awhoops!", "foo$(VAR_Awhoops!"),
    ("f00__(VAR_A)__", "f00__(VAR_A)__"),
    ("$?_boo_$!", "$?_boo_$!"),
    ("$VAR_A", "$VAR_A"),
    ("$(VAR_DNE)", "$(VAR_DNE)"),
    ("$$$$$$(BIG_MONEY)", "$$$(BIG_MONEY)"),
    ("$$$$$$(VAR_A)", "$$$(VAR_A)"),
    ("$$$$$$$(GOOD_ODDS)", "$$$$(GOOD_ODDS)"),
    ("$$$$$$$(VAR_A)", "$$$A"),
    ("$VAR_A)", "$VAR_A)"),
    ("${VAR_A}", "${VAR_A}"),
    ("$(VAR_B)_______$(A", "B_______$(A"),
    ("$(VAR_C)_______$(", "C_______$("),
    ("$(VAR_A)foobarzab$", "Afoobarzab$"),
    ("foo-\\$(VAR_A", "foo-\\$(VAR_A"),
    ("--$($($($($--", "--$($($($($--"),
    ("$($($($($--foo$(", "$($($($($--foo$("),
    ("foo0--$($($($(", "foo0--$($($($("),
    ("$(foo$$var)", "$(foo$$var)"),
    ("\n", "\n"),
]


@pytest.mark.parametrize(("given", "expected"), MAPPING_CASES)
def test_expansion_upstream_cases(given, expected):
    context = {"VAR_A": "A", "VAR_B": "B", "VAR_C": "C", "VAR_REF": "$(VAR_A)", "VAR_EMPTY": ""}
    assert expand(given, context) == expected
    # TestMappingDual: the same answers from two contexts
    assert (
        expand(given, {"VAR_A": "A", "VAR_EMPTY": ""}, {"VAR_B": "B", "VAR_C": "C", "VAR_REF": "$(VAR_A)"})
        == expected
    )


def test_declared_variables_expand_and_win_over_service_variables():
    k = _svc("kubernetes", "10.96.0.1", [{"name": "https", "port": 443, "protocol": "TCP"}])
    web = _svc("web", "10.96.7.7", [{"port": 80, "protocol": "TCP"}])
    pod = Pod(
        metadata={"name": "p", "namespace": "default", "uid": "u"},
        spec={"containers": [{"name": "c", "image": "busybox"}], "nodeName": "n1"},
        status={"podIP": "10.244.1.9"},
    )
    c = Container(
        name="c",
        env=[
            {"name": "FOO", "value": "bar"},  # TestMapReference
            {"name": "ZOO", "value": "$(FOO)-1"},
            {"name": "BLU", "value": "$(ZOO)-2"},
            {"name": "URL", "value": "http://$(WEB_SERVICE_HOST):$(WEB_SERVICE_PORT)"},
            {"name": "WEB_SERVICE_PORT", "value": "8080"},  # declared: replaces the kubelet's value
            {"name": "ME", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
            {
                "name": "CM",
                "valueFrom": {"configMapKeyRef": {"name": "x", "key": "y"}},
            },  # not modelled: left out
        ],
    )
    env = container_environment(pod, c, [k, web])
    names = [n for n, _ in env]
    assert len(names) == len(set(names)) and names[:2] == ["PATH", "HOSTNAME"] and names[-1] == "HOME"
    d = dict(env)
    assert (d["FOO"], d["ZOO"], d["BLU"]) == ("bar", "bar-1", "bar-1-2")
    # expansion sees the Service variables, and the earlier declared ones only
    assert d["URL"] == "http://10.96.7.7:80" and d["WEB_SERVICE_PORT"] == "8080"
    assert d["ME"] == "10.244.1.9" and "CM" not in d and d["HOSTNAME"] == "p"
    # declared ones come before the Service ones (each group in map order)
    declared = {"FOO", "ZOO", "BLU", "URL", "WEB_SERVICE_PORT", "ME"}
    assert set(names[2 : 2 + len(declared)]) == declared


@pytest.fixture
def cluster():
    c = Cluster(preset="article")
    c.kubectl("create deployment nginx --image=nginx --port=80")
    c.kubectl("expose deployment nginx --name=nginx-svc")
    c.kubectl("run client --image=busybox")
    return c


def test_exec_env_lists_the_services_that_existed_at_start(cluster):
    out = cluster.kubectl("exec client -- env")
    lines = out.splitlines()
    assert lines[0] == "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    assert lines[1] == "HOSTNAME=client" and lines[-1] == "HOME=/root" and out.stderr == ""
    ip = cluster.get("Service", "nginx-svc").spec.clusterIP
    assert {line for line in lines if line.startswith("NGINX_SVC_")} == {
        f"NGINX_SVC_SERVICE_HOST={ip}",
        "NGINX_SVC_SERVICE_PORT=80",
        f"NGINX_SVC_PORT=tcp://{ip}:80",
        f"NGINX_SVC_PORT_80_TCP=tcp://{ip}:80",
        "NGINX_SVC_PORT_80_TCP_PROTO=tcp",
        "NGINX_SVC_PORT_80_TCP_PORT=80",
        f"NGINX_SVC_PORT_80_TCP_ADDR={ip}",
    }
    assert "KUBERNETES_SERVICE_PORT_HTTPS=443" in lines and "KUBERNETES_SERVICE_HOST=10.96.0.1" in lines
    assert len(lines) == 2 + 8 + 7 + 1


def test_ordering_caveat(cluster):
    cluster.apply(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "backend"},
            "spec": {"selector": {"app": "x"}, "ports": [{"port": 6379}]},
        }
    )
    # the running container never learns about it ...
    with pytest.raises(KubectlError) as err:
        cluster.kubectl("exec client -- printenv BACKEND_SERVICE_HOST")
    assert str(err.value) == "command terminated with exit code 1" and err.value.stdout == ""
    # ... while DNS knows it at once
    assert cluster.dns.resolve("backend", pod=cluster.get("Pod", "client")).rcode == "NOERROR"
    # a Pod started afterwards gets it
    cluster.kubectl("run client2 --image=busybox")
    ip = cluster.get("Service", "backend").spec.clusterIP
    assert (
        cluster.kubectl("exec client2 -- printenv BACKEND_SERVICE_HOST BACKEND_SERVICE_PORT")
        == f"{ip}\n6379\n"
    )
    # deleting the Service does not take the variables away either
    cluster.delete("Service", "nginx-svc")
    assert cluster.kubectl("exec client -- printenv NGINX_SVC_SERVICE_PORT") == "80\n"


def test_printenv_prints_what_it_finds_and_fails_for_the_rest(cluster):
    with pytest.raises(KubectlError) as err:
        cluster.kubectl("exec client -- printenv NOPE NGINX_SVC_SERVICE_PORT")
    assert err.value.stdout == "80\n" and str(err.value) == "command terminated with exit code 1"


def test_enable_service_links_false(cluster):
    cluster.apply(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "quiet"},
            "spec": {"enableServiceLinks": False, "containers": [{"name": "c", "image": "busybox"}]},
        }
    )
    names = {line.split("=", 1)[0] for line in cluster.kubectl("exec quiet -- env").splitlines()}
    assert "KUBERNETES_SERVICE_HOST" in names and not any(n.startswith("NGINX_SVC") for n in names)


def test_same_seed_same_order_and_order_is_not_sorted():
    def env():
        c = Cluster(preset="article")
        c.kubectl("create deployment nginx --image=nginx --port=80")
        c.kubectl("expose deployment nginx --name=nginx-svc")
        c.kubectl("run client --image=busybox")
        return c.kubectl("exec client -- env").splitlines()

    first = env()
    assert first == env()
    middle = first[2:-1]
    assert middle != sorted(middle)  # Go map order, not sorted


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "exec client env",
            "error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] "
            "instead\nSee 'kubectl exec -h' for help and examples",
        ),
        ("exec client", "error: you must specify at least one command for the container"),
        ("exec -- env", "error: pod, type/name or --filename must be specified"),
        ("exec nope -- env", 'Error from server (NotFound): pods "nope" not found'),
        (
            "exec client -c foo -- env",
            "Error from server (BadRequest): container foo is not valid for pod client",
        ),
        (
            "exec client -- ls",
            "error: k8snet does not model running 'ls' in a container (only env and printenv)",
        ),
    ],
)
def test_exec_errors(cluster, line, message):
    with pytest.raises(KubectlError) as err:
        cluster.kubectl(line)
    assert str(err.value) == message


def test_exec_pod_slash_name_and_container_flag(cluster):
    assert cluster.kubectl("exec pod/client -c client -- printenv HOSTNAME") == "client\n"
