"""The kind cluster the trace and simulation tests share: a 3-replica ``web`` Deployment behind several Services.

``web`` (ClusterIP, port ``http`` 80 → 8080), ``web-np`` (NodePort 30080), ``web-local`` (NodePort 30081,
``externalTrafficPolicy: Local``), ``sticky`` (ClientIP affinity, 60 s), ``web-lb`` (LoadBalancer, Local, with
the ingress IP ``LB_IP`` a cloud controller would write) and a ``client`` Pod.
"""

from __future__ import annotations

import pytest

from k8snet.sim.cluster import Cluster

APP = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web-np}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080, nodePort: 30080}]
---
apiVersion: v1
kind: Service
metadata: {name: web-local}
spec:
  type: NodePort
  externalTrafficPolicy: Local
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080, nodePort: 30081}]
---
apiVersion: v1
kind: Service
metadata: {name: sticky}
spec:
  selector: {app: web}
  sessionAffinity: ClientIP
  sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web-lb}
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec: {containers: [{name: c, image: busybox}]}
"""

LB_IP = "198.51.100.10"


@pytest.fixture(scope="module")
def lb_ip() -> str:
    """The ingress IP written on ``web-lb``."""
    return LB_IP


@pytest.fixture(scope="module")
def kind():
    from k8snet.api.core_v1 import LoadBalancerIngress

    # no cloud provider: the test writes the ingress itself, as a cloud controller would, through the status
    # subresource (a plain update keeps the old status, pkg/registry/core/service/strategy.go)
    c = Cluster(cloud_provider=False)
    c.apply(APP)
    lb = c.get("Service", "web-lb")
    lb.status.loadBalancer.ingress = [LoadBalancerIngress(ip=LB_IP)]
    c.api.update_status(lb)
    return c
