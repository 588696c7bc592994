"""What kube-apiserver fills in before it stores an object, so ``kubectl get -o yaml`` looks like a real one.

Ports of kubernetes/kubernetes v1.34:

* ``pkg/apis/core/v1/defaults.go``: ``SetDefaults_Service``, ``SetDefaults_Pod``/``PodSpec``/``Container``/
  ``ContainerPort``/``Probe``/``HTTPGetAction``, ``SetDefaults_EndpointPort``;
* ``pkg/apis/apps/v1/defaults.go``: ``SetDefaults_Deployment``, ``SetDefaults_ReplicaSet``;
* ``pkg/apis/discovery/v1/defaults.go``: ``SetDefaults_EndpointPort``;
* the Service registry (``pkg/registry/core/service/storage/storage.go`` ``normalizeClusterIPs``,
  ``patchAllocatedValues``; ``alloc.go`` ``initIPFamilyFields``): the parts that are defaults rather than
  allocation, exposed as :func:`normalize_cluster_ips`, :func:`patch_allocated_values` and
  :func:`set_defaults_ip_families`.

All functions mutate the object in place and return ``None``. Fields the v1 decoder gives a zero value
(``resources: {}``, a Pod's ``securityContext: {}``) are filled the same way, since they show in ``-o yaml``.

Order on create in the real server (``genericregistry.Store.Create`` with the Service ``BeginCreate`` hook):
decode + :func:`set_defaults_service` → :func:`normalize_cluster_ips` → :func:`set_defaults_ip_families`
(+ its errors) → allocate ClusterIPs and NodePorts → validate (``validation.validate_service``) → warnings.

>>> from k8snet.api.core_v1 import Service
>>> svc = Service(metadata={"name": "web"}, spec={"selector": {"app": "web"}, "ports": [{"port": 80}]})
>>> set_defaults_service(svc)
>>> svc.spec.to_dict()
{'ports': [{'protocol': 'TCP', 'port': 80, 'targetPort': 80}], 'selector': {'app': 'web'}, 'type': 'ClusterIP', 'sessionAffinity': 'None', 'internalTrafficPolicy': 'Cluster'}
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .field import FieldError, Path, invalid

__all__ = [
    "DEFAULT_CLIENT_IP_SERVICE_AFFINITY_SECONDS",
    "set_defaults_service",
    "normalize_cluster_ips",
    "patch_allocated_values",
    "set_defaults_ip_families",
    "is_matching_prefer_dual_stack_cluster_ip_fields",
    "set_defaults_pod",
    "set_defaults_pod_spec",
    "set_defaults_container",
    "set_defaults_deployment",
    "set_defaults_replica_set",
    "set_defaults_endpoints",
    "set_defaults_endpoint_slice",
]

#: ``v1.DefaultClientIPServiceAffinitySeconds`` (3 hours).
DEFAULT_CLIENT_IP_SERVICE_AFFINITY_SECONDS = 10800


# --------------------------------------------------------------------------------------------------------
# Services
# --------------------------------------------------------------------------------------------------------


def _ensure_spec(svc: Any) -> Any:
    from k8snet.api.core_v1 import ServiceSpec

    if svc.spec is None:
        svc.spec = ServiceSpec()
    return svc.spec


def set_defaults_service(svc: Any) -> None:
    """``SetDefaults_Service``: sessionAffinity, ClientIP timeout, type, port protocol and targetPort,
    externalTrafficPolicy (externally accessible Services), internalTrafficPolicy, allocateLoadBalancerNodePorts,
    and ``ipMode: VIP`` on load-balancer ingress IPs (``LoadBalancerIPMode`` is GA in 1.34).

    >>> from k8snet.api.core_v1 import Service
    >>> svc = Service(metadata={"name": "lb"}, spec={"type": "LoadBalancer", "sessionAffinity": "ClientIP",
    ...                                              "ports": [{"port": 443, "targetPort": "https"}]})
    >>> set_defaults_service(svc)
    >>> s = svc.spec
    >>> s.sessionAffinityConfig.clientIP.timeoutSeconds, s.externalTrafficPolicy, s.allocateLoadBalancerNodePorts
    (10800, 'Cluster', True)
    >>> s.ports[0].targetPort, s.internalTrafficPolicy
    ('https', 'Cluster')
    """
    from k8snet.api.core_v1 import ClientIPConfig, SessionAffinityConfig

    s = _ensure_spec(svc)
    if not s.sessionAffinity:
        s.sessionAffinity = "None"
    if s.sessionAffinity == "None":
        s.sessionAffinityConfig = None
    if s.sessionAffinity == "ClientIP":
        cfg = s.sessionAffinityConfig
        if cfg is None or cfg.clientIP is None or cfg.clientIP.timeoutSeconds is None:
            s.sessionAffinityConfig = SessionAffinityConfig(
                clientIP=ClientIPConfig(timeoutSeconds=DEFAULT_CLIENT_IP_SERVICE_AFFINITY_SECONDS)
            )
    if not s.type:
        s.type = "ClusterIP"
    for sp in s.ports or []:
        if not sp.protocol:
            sp.protocol = "TCP"
        # "if sp.TargetPort == intstr.FromInt32(0) || sp.TargetPort == intstr.FromString("")"
        if sp.targetPort is None or sp.targetPort == 0 or sp.targetPort == "":
            sp.targetPort = sp.port if sp.port is not None else 0
    externally_accessible = s.type in ("LoadBalancer", "NodePort") or (
        s.type == "ClusterIP" and bool(s.externalIPs)
    )
    if externally_accessible and not s.externalTrafficPolicy:
        s.externalTrafficPolicy = "Cluster"
    if s.internalTrafficPolicy is None and s.type in ("NodePort", "LoadBalancer", "ClusterIP"):
        s.internalTrafficPolicy = "Cluster"
    if s.type == "LoadBalancer":
        if s.allocateLoadBalancerNodePorts is None:
            s.allocateLoadBalancerNodePorts = True
        lb = svc.status.loadBalancer if svc.status is not None else None
        for ing in (lb.ingress or []) if lb is not None else []:
            if ing.ip and ing.ipMode is None:
                ing.ipMode = "VIP"


def normalize_cluster_ips(svc: Any, old: Any = None) -> None:
    """``normalizeClusterIPs`` (service storage.go): keep ``clusterIP`` and ``clusterIPs`` in sync.

    On create, a singular ``clusterIP`` with no ``clusterIPs`` (an "old client") seeds ``clusterIPs``.
    On update: ``clusterIPs`` cleared with ``clusterIP`` unchanged gets the old plural back; a cleared
    ``clusterIP`` with an unchanged plural clears the plural too; a changed ``clusterIP`` with an unchanged plural
    replaces the plural by ``[clusterIP]`` (validation then reports what is wrong with it).

    >>> from k8snet.api.core_v1 import Service
    >>> svc = Service(spec={"clusterIP": "None"})
    >>> normalize_cluster_ips(svc)
    >>> svc.spec.clusterIPs
    ['None']
    >>> old = Service(spec={"clusterIP": "10.96.0.5", "clusterIPs": ["10.96.0.5", "fd00:10:96::5"]})
    >>> new = Service(spec={"clusterIP": "10.96.0.6", "clusterIPs": ["10.96.0.5", "fd00:10:96::5"]})
    >>> normalize_cluster_ips(new, old)
    >>> new.spec.clusterIPs
    ['10.96.0.6']
    """
    s = _ensure_spec(svc)
    if old is None:
        # "User specified singular and not plural (e.g. an old client), so init plural for them."
        if s.clusterIP and not s.clusterIPs:
            s.clusterIPs = [s.clusterIP]
        return
    o = old.spec
    old_ip, old_ips = (o.clusterIP or "") if o else "", list((o.clusterIPs or []) if o else [])
    # "ClusterIPs were cleared by an old client which was trying to patch some field and didn't provide
    # ClusterIPs": if ClusterIP is the same, give them the old plural back.
    if old_ips and not s.clusterIPs and old_ip == (s.clusterIP or ""):
        s.clusterIPs = list(old_ips)
    new_ip = s.clusterIP or ""
    if old_ip != new_ip:
        same = list(s.clusterIPs or []) == old_ips
        if old_ip and not new_ip:
            # "this is a client trying to clear it": clear the plural on their behalf if it is unchanged
            if same:
                s.clusterIPs = None
        elif same:
            # "ClusterIP has changed but not cleared *and* ClusterIPs are the same"
            s.clusterIPs = [new_ip]


def _needs_cluster_ip(svc: Any) -> bool:
    # storage.go needsClusterIP: every type but ExternalName (a headless Service's "None" is patched too)
    s = svc.spec
    return s is not None and s.type != "ExternalName"


def patch_allocated_values(svc: Any, old: Any) -> None:
    """``patchAllocatedValues`` (service storage.go): on update, carry over a clusterIP, nodePorts and
    healthCheckNodePort the client left out, so ``kubectl replace`` of a manifest without them keeps them.

    >>> from k8snet.api.core_v1 import Service
    >>> old = Service(spec={"type": "NodePort", "clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10"],
    ...                     "ports": [{"name": "http", "port": 80, "nodePort": 30080}]})
    >>> new = Service(spec={"type": "NodePort", "ports": [{"name": "http", "port": 80}]})
    >>> patch_allocated_values(new, old)
    >>> new.spec.clusterIP, new.spec.ports[0].nodePort
    ('10.96.0.10', 30080)
    """
    s = _ensure_spec(svc)
    o = old.spec
    if o is None:
        return
    if _needs_cluster_ip(old) and _needs_cluster_ip(svc):
        if not s.clusterIP:
            s.clusterIP = o.clusterIP
        if not s.clusterIPs and o.clusterIPs:
            s.clusterIPs = list(o.clusterIPs)
    if o.type in ("NodePort", "LoadBalancer") and s.type in ("NodePort", "LoadBalancer"):

        def used(spec: Any) -> set[int]:
            return {p.nodePort for p in spec.ports or [] if p.nodePort}

        taken = used(o) & used(s)
        by_name = {(p.name or ""): p.nodePort for p in o.ports or []}
        for p in s.ports or []:
            if not p.nodePort:
                old_val = by_name.get(p.name or "")
                if old_val and old_val not in taken:
                    p.nodePort = old_val
    needs_hc = o.type == "LoadBalancer" and o.externalTrafficPolicy == "Local"
    if (
        needs_hc
        and s.type == "LoadBalancer"
        and s.externalTrafficPolicy == "Local"
        and not s.healthCheckNodePort
    ):
        s.healthCheckNodePort = o.healthCheckNodePort


def _other_family(family: str) -> str:
    return "IPv6" if family == "IPv4" else "IPv4"


def _family_of(ip: str) -> str:
    # alloc.go familyOf
    from .validation import parse_ip_sloppy

    parsed = parse_ip_sloppy(ip)
    if parsed is None:
        return "unknown"
    return "IPv6" if parsed.version == 6 else "IPv4"


def _same_cluster_ips(a: Any, b: Any) -> bool:
    return list(a.spec.clusterIPs or []) == list(b.spec.clusterIPs or [])


def _same_ip_families(a: Any, b: Any) -> bool:
    return list(a.spec.ipFamilies or []) == list(b.spec.ipFamilies or [])


def is_matching_prefer_dual_stack_cluster_ip_fields(svc: Any, old: Any) -> bool:
    """``isMatchingPreferDualStackClusterIPFields`` (alloc.go): an update of a ``PreferDualStack`` Service
    that keeps its type, ``clusterIPs`` and ``ipFamilies``. Such a Service is neither upgraded nor downgraded
    when the cluster gains or loses a family ("We don't want to auto-upgrade (add an IP) or downgrade (remove an
    IP) PreferDualStack services following a cluster change to/from dual-stackness").

    >>> from k8snet.api.core_v1 import Service
    >>> spec = {"type": "ClusterIP", "ipFamilyPolicy": "PreferDualStack", "ipFamilies": ["IPv4"],
    ...         "clusterIP": "10.96.0.5", "clusterIPs": ["10.96.0.5"]}
    >>> is_matching_prefer_dual_stack_cluster_ip_fields(Service(spec=spec), Service(spec=spec))
    True
    >>> is_matching_prefer_dual_stack_cluster_ip_fields(Service(spec={**spec, "ipFamilyPolicy": None}),
    ...                                                 Service(spec=spec))
    False
    """
    if old is None or old.spec is None:
        return False
    s, o = svc.spec, old.spec
    if s.ipFamilyPolicy is None:
        return False
    # "if type mutated then it is an update that needs to run through the entire process"
    if o.type != s.type:
        return False
    if s.type not in ("ClusterIP", "NodePort", "LoadBalancer"):
        return False
    if s.ipFamilyPolicy != "PreferDualStack":
        return False
    if o.ipFamilyPolicy is not None and o.ipFamilyPolicy != "PreferDualStack":
        return False
    return _same_cluster_ips(old, svc) and _same_ip_families(old, svc)


def set_defaults_ip_families(
    svc: Any, old: Any = None, cluster_families: Sequence[str] = ("IPv4",)
) -> list[FieldError]:
    """``initIPFamilyFields`` (service alloc.go): default ``ipFamilyPolicy`` and ``ipFamilies`` for the
    cluster's Service CIDRs (``cluster_families``, primary first), before ClusterIPs are allocated; a line by
    line port of v1.34's function.

    Returns field errors for the caller to raise as an Invalid status (``InvalidError("Service", name,
    to_causes(errs))``): first the "loose pre-validation" ``ValidateServiceClusterIPsRelatedFields`` (returned
    alone, as alloc.go does), then the registry's own checks.

    * an update of a PreferDualStack Service keeping its type, ``clusterIPs`` and ``ipFamilies`` is left alone
      (:func:`is_matching_prefer_dual_stack_cluster_ip_fields`);
    * create without a policy: ``SingleStack``; headless *and* selectorless: ``RequireDualStack``;
      update without a policy: the old policy;
    * on update, ``SingleStack`` with unchanged ``clusterIPs``/``ipFamilies`` drops the secondary (downgrade);
      any other policy may not drop it;
    * families follow ``clusterIPs`` when given, else the cluster's primary family; a policy other than
      ``SingleStack`` gets the other family too when the cluster has two (headless selectorless Services get
      it even on a single-stack cluster).

    >>> from k8snet.api.core_v1 import Service
    >>> svc = Service(spec={"type": "ClusterIP", "selector": {"app": "web"}})
    >>> set_defaults_ip_families(svc)
    []
    >>> svc.spec.ipFamilyPolicy, svc.spec.ipFamilies
    ('SingleStack', ['IPv4'])
    >>> hl = Service(spec={"type": "ClusterIP", "clusterIP": "None", "clusterIPs": ["None"]})
    >>> set_defaults_ip_families(hl)
    []
    >>> hl.spec.ipFamilyPolicy, hl.spec.ipFamilies
    ('RequireDualStack', ['IPv4', 'IPv6'])
    >>> bad = Service(spec={"type": "ClusterIP", "ipFamilyPolicy": "RequireDualStack"})
    >>> [str(e) for e in set_defaults_ip_families(bad)]
    ['spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services']
    >>> prefer = Service(spec={"type": "ClusterIP", "ipFamilyPolicy": "PreferDualStack"})
    >>> set_defaults_ip_families(prefer, cluster_families=("IPv6", "IPv4")), prefer.spec.ipFamilies
    ([], ['IPv6', 'IPv4'])
    """
    from .validation import validate_service_cluster_ips_related_fields

    s = _ensure_spec(svc)
    # "can not do anything here"
    if s.type == "ExternalName":
        return []
    if is_matching_prefer_dual_stack_cluster_ip_fields(svc, old):
        return []  # "nothing more to do."
    o = old.spec if old is not None else None
    old_ips = list(o.clusterIPs or []) if o is not None else []
    old_families = list(o.ipFamilies or []) if o is not None else []
    if s.ipFamilyPolicy is None:
        if o is not None and o.ipFamilyPolicy is not None:
            s.ipFamilyPolicy = o.ipFamilyPolicy  # "Update from an object with policy, use the old policy"
        elif s.clusterIP == "None" and not s.selector:
            s.ipFamilyPolicy = "RequireDualStack"  # "Special-case: headless + selectorless defaults to dual."
        else:
            s.ipFamilyPolicy = "SingleStack"
    # "Do some loose pre-validation of the input": alloc.go returns these errors alone, before anything else.
    errs: list[FieldError] = validate_service_cluster_ips_related_fields(svc)
    if errs:
        return errs
    policy_path = Path("spec", "ipFamilyPolicy")
    # "Update-only prep work."
    if old is not None:
        if s.ipFamilyPolicy == "SingleStack":
            # "As long as ClusterIPs and IPFamilies have not changed, setting the policy to single-stack is
            # clear intent. ClusterIPs[0] is immutable, so it is safe to keep."
            if _same_cluster_ips(old, svc) and len(s.clusterIPs or []) > 1:
                s.clusterIPs = list(s.clusterIPs)[:1]
            if _same_ip_families(old, svc) and len(s.ipFamilies or []) > 1:
                s.ipFamilies = list(s.ipFamilies)[:1]
        else:
            # reducedClusterIPs / reducedIPFamilies: an empty list is "not specified", not a reduction.
            if s.clusterIPs and len(s.clusterIPs) < len(old_ips):
                errs.append(
                    invalid(
                        policy_path,
                        s.ipFamilyPolicy,
                        "must be 'SingleStack' to release the secondary cluster IP",
                    )
                )
            if s.ipFamilies and len(s.ipFamilies) < len(old_families):
                errs.append(
                    invalid(
                        policy_path,
                        s.ipFamilyPolicy,
                        "must be 'SingleStack' to release the secondary IP family",
                    )
                )
    # "Make sure ipFamilyPolicy makes sense for the provided ipFamilies and clusterIPs."
    if s.ipFamilyPolicy == "SingleStack":
        if len(s.clusterIPs or []) == 2:
            errs.append(
                invalid(
                    policy_path,
                    s.ipFamilyPolicy,
                    "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified",
                )
            )
        if len(s.ipFamilies or []) == 2:
            errs.append(
                invalid(
                    policy_path,
                    s.ipFamilyPolicy,
                    "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified",
                )
            )
    # "Infer IPFamilies[] from ClusterIPs[]."
    for i, ip in enumerate(list(s.clusterIPs or [])):
        if ip == "None":
            break
        fam = _family_of(ip)
        if i >= len(s.ipFamilies or []):
            if fam not in cluster_families:
                errs.append(
                    invalid(
                        Path("spec", "clusterIPs").index(i),
                        list(s.clusterIPs or []),
                        f"{fam} is not configured on this cluster",
                    )
                )
            else:
                s.ipFamilies = list(s.ipFamilies or []) + [fam]  # "OK to infer."
    if errs:
        return errs
    # "Special-case: headless + selectorless. This has to happen before other checks because it explicitly
    # allows combinations of inputs that would otherwise be errors."
    if s.clusterIP == "None" and not s.selector:
        if not s.ipFamilies:
            s.ipFamilies = [cluster_families[0]]
        if len(s.ipFamilies) < 2 and s.ipFamilyPolicy != "SingleStack":
            s.ipFamilies = list(s.ipFamilies) + [_other_family(s.ipFamilies[0])]
        return []
    # "Demanding dual-stack on a non dual-stack cluster."
    if s.ipFamilyPolicy == "RequireDualStack" and len(cluster_families) < 2:
        errs.append(
            invalid(policy_path, s.ipFamilyPolicy, "this cluster is not configured for dual-stack services")
        )
    # "If there is a family requested then it has to be configured on cluster."
    for i, fam in enumerate(s.ipFamilies or []):
        if fam not in cluster_families:
            errs.append(invalid(Path("spec", "ipFamilies").index(i), fam, "not configured on this cluster"))
    if errs:
        return errs
    if not s.ipFamilies:
        s.ipFamilies = [cluster_families[0]]  # "nil families, gets cluster default"
    # "If this service is looking for dual-stack and this cluster does have two families, append the missing
    # family."
    if s.ipFamilyPolicy != "SingleStack" and len(s.ipFamilies) == 1 and len(cluster_families) == 2:
        if s.ipFamilies[0] in ("IPv4", "IPv6"):
            s.ipFamilies = list(s.ipFamilies) + [_other_family(s.ipFamilies[0])]
    return []


# --------------------------------------------------------------------------------------------------------
# Pods and their templates
# --------------------------------------------------------------------------------------------------------


def _image_tag_is_latest(image: str | None) -> bool:
    # parsers.ParseImageName: no tag and no digest means "latest".
    if not image:
        return True
    name, _, digest = image.partition("@")
    if digest:
        return False
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        return last.rsplit(":", 1)[1] == "latest"
    return True


def _set_defaults_probe(probe: Any) -> None:
    if probe is None:
        return
    if probe.timeoutSeconds is None:
        probe.timeoutSeconds = 1
    if probe.periodSeconds is None:
        probe.periodSeconds = 10
    if probe.successThreshold is None:
        probe.successThreshold = 1
    if probe.failureThreshold is None:
        probe.failureThreshold = 3
    if probe.httpGet is not None:
        probe.httpGet.setdefault("path", "/")
        probe.httpGet.setdefault("scheme", "HTTP")


def set_defaults_container(c: Any) -> None:
    """``SetDefaults_Container`` (+ ports, probes, and the ``resources: {}`` every stored container shows).

    >>> from k8snet.api.core_v1 import Container
    >>> c = Container(name="web", image="nginx:1.27", ports=[{"containerPort": 80}])
    >>> set_defaults_container(c)
    >>> c.imagePullPolicy, c.ports[0].protocol, c.terminationMessagePath, c.terminationMessagePolicy
    ('IfNotPresent', 'TCP', '/dev/termination-log', 'File')
    """
    if not c.imagePullPolicy:
        c.imagePullPolicy = "Always" if _image_tag_is_latest(c.image) else "IfNotPresent"
    if not c.terminationMessagePath:
        c.terminationMessagePath = "/dev/termination-log"
    if not c.terminationMessagePolicy:
        c.terminationMessagePolicy = "File"
    if c.resources is None:
        c.resources = {}
    for p in c.ports or []:
        if not p.protocol:
            p.protocol = "TCP"
    for probe in (c.livenessProbe, c.readinessProbe, c.startupProbe):
        _set_defaults_probe(probe)


def set_defaults_pod_spec(spec: Any) -> None:
    """``SetDefaults_PodSpec`` (also applied to Deployment and ReplicaSet templates) and its containers.

    >>> from k8snet.api.core_v1 import PodSpec
    >>> spec = PodSpec(containers=[{"name": "c", "image": "nginx"}])
    >>> set_defaults_pod_spec(spec)
    >>> spec.dnsPolicy, spec.restartPolicy, spec.schedulerName, spec.terminationGracePeriodSeconds, spec.securityContext
    ('ClusterFirst', 'Always', 'default-scheduler', 30, {})
    """
    if spec is None:
        return
    if not spec.dnsPolicy:
        spec.dnsPolicy = "ClusterFirst"
    if not spec.restartPolicy:
        spec.restartPolicy = "Always"
    if spec.securityContext is None:
        spec.securityContext = {}
    if spec.terminationGracePeriodSeconds is None:
        spec.terminationGracePeriodSeconds = 30
    if not spec.schedulerName:
        spec.schedulerName = "default-scheduler"
    for c in list(spec.initContainers or []) + list(spec.containers or []):
        set_defaults_container(c)


def set_defaults_pod(pod: Any) -> None:
    """``SetDefaults_Pod`` + ``SetDefaults_PodSpec``: ``enableServiceLinks: true`` is a Pod default (not a
    template one).

    Not here: what admission plugins add on a real cluster (``serviceAccountName: default``, the token volume,
    ``priority: 0``/``preemptionPolicy``, the two ``NoExecute`` tolerations of 300 s): see
    :mod:`k8snet.apiserver.admission`, which the API server runs on Pod create.

    >>> from k8snet.api.core_v1 import Pod
    >>> pod = Pod(metadata={"name": "p"}, spec={"containers": [{"name": "c", "image": "busybox"}]})
    >>> set_defaults_pod(pod)
    >>> pod.spec.enableServiceLinks, pod.spec.containers[0].imagePullPolicy
    (True, 'Always')
    """
    if pod.spec is None:
        return
    if pod.spec.enableServiceLinks is None:
        pod.spec.enableServiceLinks = True
    if pod.spec.hostNetwork:
        # defaultHostNetworkPorts: with hostNetwork, a container port is also the host port.
        for c in list(pod.spec.initContainers or []) + list(pod.spec.containers or []):
            for p in c.ports or []:
                if not p.hostPort:
                    p.hostPort = p.containerPort
    set_defaults_pod_spec(pod.spec)


def _set_defaults_template(template: Any) -> None:
    if template is not None:
        set_defaults_pod_spec(template.spec)


def set_defaults_deployment(dep: Any) -> None:
    """apps/v1 ``SetDefaults_Deployment``: replicas 1, RollingUpdate 25%/25%, revisionHistoryLimit 10,
    progressDeadlineSeconds 600, and the pod template's PodSpec defaults.

    >>> from k8snet.api.apps_v1 import Deployment
    >>> d = Deployment(metadata={"name": "web"}, spec={"selector": {"matchLabels": {"app": "web"}},
    ...     "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}})
    >>> set_defaults_deployment(d)
    >>> d.spec.replicas, d.spec.strategy.to_dict(), d.spec.revisionHistoryLimit, d.spec.progressDeadlineSeconds
    (1, {'type': 'RollingUpdate', 'rollingUpdate': {'maxUnavailable': '25%', 'maxSurge': '25%'}}, 10, 600)
    """
    from k8snet.api.apps_v1 import DeploymentSpec, DeploymentStrategy, RollingUpdateDeployment

    if dep.spec is None:
        dep.spec = DeploymentSpec()
    s = dep.spec
    if s.replicas is None:
        s.replicas = 1
    if s.strategy is None:
        s.strategy = DeploymentStrategy()
    if not s.strategy.type:
        s.strategy.type = "RollingUpdate"
    if s.strategy.type == "RollingUpdate":
        if s.strategy.rollingUpdate is None:
            s.strategy.rollingUpdate = RollingUpdateDeployment()
        ru = s.strategy.rollingUpdate
        if ru.maxUnavailable is None:
            ru.maxUnavailable = "25%"
        if ru.maxSurge is None:
            ru.maxSurge = "25%"
    if s.revisionHistoryLimit is None:
        s.revisionHistoryLimit = 10
    if s.progressDeadlineSeconds is None:
        s.progressDeadlineSeconds = 600
    _set_defaults_template(s.template)


def set_defaults_replica_set(rs: Any) -> None:
    """apps/v1 ``SetDefaults_ReplicaSet``: replicas 1, and the template's PodSpec defaults.

    >>> from k8snet.api.apps_v1 import ReplicaSet
    >>> rs = ReplicaSet(metadata={"name": "web-1"}, spec={})
    >>> set_defaults_replica_set(rs)
    >>> rs.spec.replicas
    1
    """
    from k8snet.api.apps_v1 import ReplicaSetSpec

    if rs.spec is None:
        rs.spec = ReplicaSetSpec()
    if rs.spec.replicas is None:
        rs.spec.replicas = 1
    _set_defaults_template(rs.spec.template)


def set_defaults_endpoints(ep: Any) -> None:
    """core/v1 ``SetDefaults_EndpointPort``: protocol TCP.

    >>> from k8snet.api.core_v1 import Endpoints
    >>> ep = Endpoints(metadata={"name": "web"}, subsets=[{"addresses": [{"ip": "10.244.1.5"}], "ports": [{"port": 80}]}])
    >>> set_defaults_endpoints(ep)
    >>> ep.subsets[0].ports[0].protocol
    'TCP'
    """
    for ss in ep.subsets or []:
        for p in ss.ports or []:
            if not p.protocol:
                p.protocol = "TCP"


def set_defaults_endpoint_slice(es: Any) -> None:
    """discovery/v1 ``SetDefaults_EndpointPort``: name ``""`` and protocol TCP when unset.

    >>> from k8snet.api.discovery_v1 import EndpointSlice
    >>> es = EndpointSlice(metadata={"name": "web-x"}, addressType="IPv4", ports=[{"port": 80}])
    >>> set_defaults_endpoint_slice(es)
    >>> es.ports[0].to_dict()
    {'name': '', 'protocol': 'TCP', 'port': 80}
    """
    for p in es.ports or []:
        if p.name is None:
            p.name = ""
        if p.protocol is None:
            p.protocol = "TCP"
