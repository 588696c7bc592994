"""The article's kubectl session (seed/000_22d1a8671fbdbde0.txt, section 1.1.1-1.1.2) in its v1.34 form.

The article shows::

    $ kubectl run nginx --image=nginx --port=80
    deployment "nginx" created
    $ kubectl expose deployment nginx --type=ClusterIP --name=nginx-svc
    service "nginx-svc" exposed
    $ kubectl get svc
    NAME         TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)    AGE
    kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP    1d
    nginx-svc    ClusterIP   None         <none>        80/TCP     7s

and a ``describe`` with ``Labels: run=nginx``, ``Port: http 80/TCP``, ``Session Affinity: ClientIP``. What a
v1.34 cluster prints instead, and why (each expectation derives from upstream code, not from k8snet):

* ``kubectl run`` creates a bare Pod since v1.18 (kubectl ``pkg/cmd/run/run.go``; the deployment generator is
  gone) and prints ``pod/nginx created`` (the name printer: ``<kind>/<name> <operation>``). The modern
  equivalent of the article's intent is ``kubectl create deployment nginx --image=nginx --port=80``
  (``pkg/cmd/create/create_deployment.go``: labels/selector ``app=nginx``) → ``deployment.apps/nginx created``.
* ``expose`` prints ``service/nginx-svc exposed``; the Service takes the Deployment's selector and labels
  (``app=nginx``) and its one container port, left **unnamed** (``expose.go`` names ports only when there are
  several), so describe prints ``Port: <unset>  80/TCP``, ``TargetPort: 80/TCP``.
* A ClusterIP Service gets an address from the Service CIDR; ``None`` would be a headless Service, which
  ``expose --type=ClusterIP`` does not create.
* ``sessionAffinity`` defaults to ``None`` (``pkg/apis/core/v1/defaults.go``), not ``ClientIP``.
* AGE is ``duration.HumanDuration``: a one-day-old object prints ``24h`` (``1d`` was the ShortHumanDuration
  of kubectl before v1.12); columns are laid out by the tab writer (padding 3).
* describe (kubectl ``pkg/describe/describe.go``) prints ``IP Family Policy``, ``IP Families``, ``IPs`` and
  ``Internal Traffic Policy`` (all defaulted by the API server), and ``Endpoints`` from the EndpointSlices:
  the nginx pod, which the article's minikube gave 10.4.0.3 (``Cluster(preset="article")`` reproduces it).
"""

from __future__ import annotations

import pytest

from k8snet.errors import KubectlError
from k8snet.kubectl.command import run
from k8snet.sim import Cluster


@pytest.fixture
def cluster():
    return Cluster(preset="article")


def test_kubectl_run_makes_a_pod_now(cluster):
    assert cluster.kubectl("kubectl run nginx --image=nginx --port=80") == "pod/nginx created\n"
    pod = cluster.get("Pod", "nginx")
    assert pod.metadata.labels == {"run": "nginx"}
    with pytest.raises(KubectlError):
        cluster.kubectl("kubectl expose deployment nginx --type=ClusterIP --name=nginx-svc")


def test_article_session_v134(cluster):
    assert (
        cluster.kubectl("kubectl create deployment nginx --image=nginx --port=80")
        == "deployment.apps/nginx created\n"
    )
    assert (
        cluster.kubectl("kubectl expose deployment nginx --type=ClusterIP --name=nginx-svc")
        == "service/nginx-svc exposed\n"
    )
    cluster.clock.advance(7)

    ip = cluster.get("Service", "nginx-svc").spec.clusterIP
    assert ip != "None"
    # CLUSTER-IP column: widest cell + 3 spaces (tab writer padding); other columns as the article shows them.
    width = max(len("CLUSTER-IP"), len("10.96.0.1"), len(ip)) + 3
    assert cluster.kubectl("kubectl get svc") == (
        f"NAME         TYPE        {'CLUSTER-IP':<{width}}EXTERNAL-IP   PORT(S)   AGE\n"
        f"kubernetes   ClusterIP   {'10.96.0.1':<{width}}<none>        443/TCP   24h\n"
        f"nginx-svc    ClusterIP   {ip:<{width}}<none>        80/TCP    7s\n"
    )

    # Labels column: the longest label "Internal Traffic Policy:" (24) + padding 2.
    assert cluster.kubectl("kubectl describe service nginx-svc") == (
        "Name:                     nginx-svc\n"
        "Namespace:                default\n"
        "Labels:                   app=nginx\n"
        "Annotations:              <none>\n"
        "Selector:                 app=nginx\n"
        "Type:                     ClusterIP\n"
        "IP Family Policy:         SingleStack\n"
        "IP Families:              IPv4\n"
        f"IP:                       {ip}\n"
        f"IPs:                      {ip}\n"
        "Port:                     <unset>  80/TCP\n"
        "TargetPort:               80/TCP\n"
        "Endpoints:                10.4.0.3:80\n"
        "Session Affinity:         None\n"
        "Internal Traffic Policy:  Cluster\n"
        "Events:                   <none>\n"
    )


def test_article_headless_service_prints_none(cluster):
    # The article's Headless Service (clusterIP: None) is what prints CLUSTER-IP "None".
    cluster.kubectl("create deployment nginx --image=nginx --port=80")
    out = run(
        cluster,
        "apply -f -",
        stdin="""
apiVersion: v1
kind: Service
metadata:
  name: headless-svc
spec:
  clusterIP: None
  ports:
  - {port: 80, targetPort: 80, protocol: TCP}
  selector: {app: nginx}
""",
    )
    assert out == "service/headless-svc created\n"
    row = run(cluster, "get svc headless-svc").splitlines()[1]
    assert row.split()[:5] == ["headless-svc", "ClusterIP", "None", "<none>", "80/TCP"]
