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
    "set_defaults_secret",
    "set_defaults_persistent_volume",
    "set_defaults_persistent_volume_claim",
    "set_defaults_persistent_volume_claim_spec",
    "set_defaults_replication_controller",
    "set_defaults_pod_template",
    "set_defaults_limit_range",
    "set_defaults_stateful_set",
    "set_defaults_daemon_set",
    "set_defaults_job",
    "generate_job_selector",
    "set_defaults_cron_job",
    "set_defaults_horizontal_pod_autoscaler",
    "set_defaults_network_policy",
    "set_defaults_ingress_class",
    "set_defaults_role_binding",
    "set_defaults_storage_class",
    "set_defaults_priority_class",
    "set_defaults_webhook_configuration",
    "DEFAULTS",
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


# --------------------------------------------------------------------------------------------------------
# The other built-in kinds (pkg/apis/*/v1/defaults.go); pod templates get the PodSpec defaults as above
# --------------------------------------------------------------------------------------------------------


def set_defaults_secret(secret: Any) -> None:
    """core/v1 ``SetDefaults_Secret`` (``type: Opaque``), after the conversion that merges the write-only
    ``stringData`` into ``data`` (``Convert_v1_Secret_To_core_Secret``: base64 of each value, overriding ``data``).

    >>> from k8snet.api.core_v1 import Secret
    >>> s = Secret(metadata={"name": "s"}, data={"a": "eA=="}, stringData={"a": "y", "b": "hello"})
    >>> set_defaults_secret(s)
    >>> s.type, s.data, s.stringData
    ('Opaque', {'a': 'eQ==', 'b': 'aGVsbG8='}, None)
    """
    import base64

    if secret.stringData:
        data = dict(secret.data or {})
        for k, v in secret.stringData.items():
            data[k] = base64.b64encode(v.encode("utf-8")).decode("ascii")
        secret.data = data
    secret.stringData = None
    if not secret.type:
        secret.type = "Opaque"


def set_defaults_persistent_volume(pv: Any) -> None:
    """core/v1 ``SetDefaults_PersistentVolume``: reclaim policy ``Retain``, volume mode ``Filesystem``.

    >>> from k8snet.api.core_v1 import PersistentVolume
    >>> pv = PersistentVolume(metadata={"name": "pv0"}, spec={"hostPath": {"path": "/data"}})
    >>> set_defaults_persistent_volume(pv)
    >>> pv.spec.persistentVolumeReclaimPolicy, pv.spec.volumeMode
    ('Retain', 'Filesystem')
    """
    from k8snet.api.core_v1 import PersistentVolumeSpec

    if pv.spec is None:
        pv.spec = PersistentVolumeSpec()
    if not pv.spec.persistentVolumeReclaimPolicy:
        pv.spec.persistentVolumeReclaimPolicy = "Retain"
    if pv.spec.volumeMode is None:
        pv.spec.volumeMode = "Filesystem"


def set_defaults_persistent_volume_claim_spec(spec: Any) -> None:
    """core/v1 ``SetDefaults_PersistentVolumeClaimSpec``: volume mode ``Filesystem``."""
    if spec is not None and spec.volumeMode is None:
        spec.volumeMode = "Filesystem"


def set_defaults_persistent_volume_claim(pvc: Any) -> None:
    """core/v1 ``SetDefaults_PersistentVolumeClaim`` and its spec's defaults.

    >>> from k8snet.api.core_v1 import PersistentVolumeClaim
    >>> pvc = PersistentVolumeClaim(metadata={"name": "data"}, spec={"accessModes": ["ReadWriteOnce"]})
    >>> set_defaults_persistent_volume_claim(pvc)
    >>> pvc.spec.volumeMode
    'Filesystem'
    """
    from k8snet.api.core_v1 import PersistentVolumeClaimSpec

    if pvc.spec is None:
        pvc.spec = PersistentVolumeClaimSpec()
    set_defaults_persistent_volume_claim_spec(pvc.spec)


def set_defaults_replication_controller(rc: Any) -> None:
    """core/v1 ``SetDefaults_ReplicationController``: ``selector`` and the RC's own labels default to the
    template's labels; ``replicas`` 1; the template's PodSpec defaults.

    >>> from k8snet.api.core_v1 import ReplicationController
    >>> rc = ReplicationController(metadata={"name": "nginx"}, spec={"template": {"metadata": {"labels":
    ...     {"app": "nginx"}}, "spec": {"containers": [{"name": "nginx", "image": "nginx"}]}}})
    >>> set_defaults_replication_controller(rc)
    >>> rc.spec.selector, rc.metadata.labels, rc.spec.replicas
    ({'app': 'nginx'}, {'app': 'nginx'}, 1)
    """
    from k8snet.api.core_v1 import ReplicationControllerSpec

    if rc.spec is None:
        rc.spec = ReplicationControllerSpec()
    s = rc.spec
    labels = s.template.metadata.labels if s.template is not None and s.template.metadata else None
    if labels is not None:
        if not s.selector:
            s.selector = dict(labels)
        if not rc.metadata.labels:
            rc.metadata.labels = dict(labels)
    if s.replicas is None:
        s.replicas = 1
    _set_defaults_template(s.template)


def set_defaults_pod_template(pt: Any) -> None:
    """The PodSpec defaults of a PodTemplate's template."""
    _set_defaults_template(pt.template)


def set_defaults_limit_range(lr: Any) -> None:
    """core/v1 ``SetDefaults_LimitRangeItem``: for ``Container`` limits, ``default`` takes ``max`` and
    ``defaultRequest`` takes ``default``, then ``min``, for each resource not set.

    >>> from k8snet.api.core_v1 import LimitRange
    >>> lr = LimitRange(metadata={"name": "l"}, spec={"limits": [{"type": "Container", "max": {"cpu": "1"}}]})
    >>> set_defaults_limit_range(lr)
    >>> lr.spec.limits[0].default, lr.spec.limits[0].defaultRequest
    ({'cpu': '1'}, {'cpu': '1'})
    """
    for item in (lr.spec.limits if lr.spec else None) or []:
        if item.type != "Container":
            continue
        default = dict(item.default or {})
        request = dict(item.defaultRequest or {})
        for k, v in (item.max or {}).items():
            default.setdefault(k, v)
        for k, v in default.items():
            request.setdefault(k, v)
        for k, v in (item.min or {}).items():
            request.setdefault(k, v)
        item.default = default or None
        item.defaultRequest = request or None


def set_defaults_stateful_set(sts: Any) -> None:
    """apps/v1 ``SetDefaults_StatefulSet``: ``OrderedReady``, ``RollingUpdate`` with partition 0 (the
    ``MaxUnavailableStatefulSet`` gate is alpha, so no ``maxUnavailable``), ``Retain``/``Retain`` claim
    retention, replicas 1, revisionHistoryLimit 10; the template's PodSpec defaults; each claim template
    gets ``apiVersion: v1``/``kind: PersistentVolumeClaim`` (as the v1 conversion writes it), the claim spec
    defaults and ``status.phase: Pending``.

    >>> from k8snet.api.apps_v1 import StatefulSet
    >>> sts = StatefulSet(metadata={"name": "web"}, spec={"selector": {"matchLabels": {"app": "nginx"}},
    ...     "template": {"metadata": {"labels": {"app": "nginx"}}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}})
    >>> set_defaults_stateful_set(sts)
    >>> sts.spec.podManagementPolicy, sts.spec.updateStrategy.to_dict(), sts.spec.replicas
    ('OrderedReady', {'type': 'RollingUpdate', 'rollingUpdate': {'partition': 0}}, 1)
    """
    from k8snet.api.apps_v1 import (
        RollingUpdateStatefulSetStrategy,
        StatefulSetPersistentVolumeClaimRetentionPolicy,
        StatefulSetSpec,
        StatefulSetUpdateStrategy,
    )
    from k8snet.api.core_v1 import PersistentVolumeClaimStatus

    if sts.spec is None:
        sts.spec = StatefulSetSpec()
    s = sts.spec
    if not s.podManagementPolicy:
        s.podManagementPolicy = "OrderedReady"
    if s.updateStrategy is None:
        s.updateStrategy = StatefulSetUpdateStrategy()
    if not s.updateStrategy.type:
        s.updateStrategy.type = "RollingUpdate"
        if s.updateStrategy.rollingUpdate is None:
            s.updateStrategy.rollingUpdate = RollingUpdateStatefulSetStrategy()
    ru = s.updateStrategy.rollingUpdate
    if s.updateStrategy.type == "RollingUpdate" and ru is not None and ru.partition is None:
        ru.partition = 0
    if s.persistentVolumeClaimRetentionPolicy is None:
        s.persistentVolumeClaimRetentionPolicy = StatefulSetPersistentVolumeClaimRetentionPolicy()
    policy = s.persistentVolumeClaimRetentionPolicy
    policy.whenDeleted = policy.whenDeleted or "Retain"
    policy.whenScaled = policy.whenScaled or "Retain"
    if s.replicas is None:
        s.replicas = 1
    if s.revisionHistoryLimit is None:
        s.revisionHistoryLimit = 10
    _set_defaults_template(s.template)
    for claim in s.volumeClaimTemplates or []:
        claim.apiVersion = claim.apiVersion or "v1"
        claim.kind = claim.kind or "PersistentVolumeClaim"
        set_defaults_persistent_volume_claim_spec(claim.spec)
        if claim.status is None:
            claim.status = PersistentVolumeClaimStatus()
        claim.status.phase = claim.status.phase or "Pending"


def set_defaults_daemon_set(ds: Any) -> None:
    """apps/v1 ``SetDefaults_DaemonSet``: ``RollingUpdate`` with maxUnavailable 1 and maxSurge 0,
    revisionHistoryLimit 10; the template's PodSpec defaults.

    >>> from k8snet.api.apps_v1 import DaemonSet
    >>> ds = DaemonSet(metadata={"name": "agent"}, spec={})
    >>> set_defaults_daemon_set(ds)
    >>> ds.spec.updateStrategy.to_dict(), ds.spec.revisionHistoryLimit
    ({'type': 'RollingUpdate', 'rollingUpdate': {'maxUnavailable': 1, 'maxSurge': 0}}, 10)
    """
    from k8snet.api.apps_v1 import DaemonSetSpec, DaemonSetUpdateStrategy, RollingUpdateDaemonSet

    if ds.spec is None:
        ds.spec = DaemonSetSpec()
    s = ds.spec
    if s.updateStrategy is None:
        s.updateStrategy = DaemonSetUpdateStrategy()
    if not s.updateStrategy.type:
        s.updateStrategy.type = "RollingUpdate"
    if s.updateStrategy.type == "RollingUpdate":
        if s.updateStrategy.rollingUpdate is None:
            s.updateStrategy.rollingUpdate = RollingUpdateDaemonSet()
        ru = s.updateStrategy.rollingUpdate
        if ru.maxUnavailable is None:
            ru.maxUnavailable = 1
        if ru.maxSurge is None:
            ru.maxSurge = 0
    if s.revisionHistoryLimit is None:
        s.revisionHistoryLimit = 10
    _set_defaults_template(s.template)


def set_defaults_job(job: Any) -> None:
    """batch/v1 ``SetDefaults_Job``: completions and parallelism 1 when both are unset, backoffLimit 6, the Job's
    labels from the template's, ``NonIndexed``, not suspended, ``TerminatingOrFailed`` pod replacement,
    ``manualSelector: false``; the template's PodSpec defaults.

    >>> from k8snet.api.batch_v1 import Job
    >>> job = Job(metadata={"name": "pi"}, spec={"template": {"spec": {"restartPolicy": "Never",
    ...     "containers": [{"name": "pi", "image": "perl"}]}}})
    >>> set_defaults_job(job)
    >>> s = job.spec
    >>> s.completions, s.parallelism, s.backoffLimit, s.completionMode, s.suspend, s.podReplacementPolicy, s.manualSelector
    (1, 1, 6, 'NonIndexed', False, 'TerminatingOrFailed', False)
    """
    from k8snet.api.batch_v1 import JobSpec

    if job.spec is None:
        job.spec = JobSpec()
    s = job.spec
    if s.completions is None and s.parallelism is None:
        s.completions = 1
        s.parallelism = 1
    if s.parallelism is None:
        s.parallelism = 1
    if s.backoffLimit is None:
        s.backoffLimit = 2**31 - 1 if s.backoffLimitPerIndex is not None else 6
    labels = s.template.metadata.labels if s.template is not None and s.template.metadata else None
    if labels and not job.metadata.labels:
        job.metadata.labels = dict(labels)
    if s.completionMode is None:
        s.completionMode = "NonIndexed"
    if s.suspend is None:
        s.suspend = False
    if s.podReplacementPolicy is None:
        s.podReplacementPolicy = "Failed" if s.podFailurePolicy is not None else "TerminatingOrFailed"
    if s.manualSelector is None:
        s.manualSelector = False
    _set_defaults_template(s.template)


def generate_job_selector(job: Any) -> None:
    """The Job strategy's ``generateSelectorIfNeeded`` (pkg/registry/batch/job/strategy.go): unless
    ``manualSelector``, the template gets ``job-name``/``batch.kubernetes.io/job-name`` and
    ``controller-uid``/``batch.kubernetes.io/controller-uid`` labels (the Job's name and uid), and the selector
    matches the uid. Runs on create, after the uid is assigned."""
    from k8snet.api.core_v1 import PodTemplateSpec
    from k8snet.api.meta_v1 import LabelSelector, ObjectMeta

    s = job.spec
    if s is None or s.manualSelector:
        return
    if s.template is None:
        s.template = PodTemplateSpec()
    if s.template.metadata is None:
        s.template.metadata = ObjectMeta()
    labels = dict(s.template.metadata.labels or {})
    for key in ("job-name", "batch.kubernetes.io/job-name"):
        labels.setdefault(key, job.metadata.name or "")
    for key in ("controller-uid", "batch.kubernetes.io/controller-uid"):
        labels.setdefault(key, job.metadata.uid or "")
    s.template.metadata.labels = labels
    if s.selector is None:
        s.selector = LabelSelector()
    match = dict(s.selector.matchLabels or {})
    match.setdefault("batch.kubernetes.io/controller-uid", job.metadata.uid or "")
    s.selector.matchLabels = match


def set_defaults_cron_job(cj: Any) -> None:
    """batch/v1 ``SetDefaults_CronJob``: concurrency ``Allow``, not suspended, history limits 3 and 1; the job
    template's PodSpec defaults (a job template gets no Job defaults).

    >>> from k8snet.api.batch_v1 import CronJob
    >>> cj = CronJob(metadata={"name": "hello"}, spec={"schedule": "* * * * *"})
    >>> set_defaults_cron_job(cj)
    >>> cj.spec.concurrencyPolicy, cj.spec.suspend, cj.spec.successfulJobsHistoryLimit, cj.spec.failedJobsHistoryLimit
    ('Allow', False, 3, 1)
    """
    from k8snet.api.batch_v1 import CronJobSpec

    if cj.spec is None:
        cj.spec = CronJobSpec()
    s = cj.spec
    if not s.concurrencyPolicy:
        s.concurrencyPolicy = "Allow"
    if s.suspend is None:
        s.suspend = False
    if s.successfulJobsHistoryLimit is None:
        s.successfulJobsHistoryLimit = 3
    if s.failedJobsHistoryLimit is None:
        s.failedJobsHistoryLimit = 1
    if s.jobTemplate is not None and s.jobTemplate.spec is not None:
        _set_defaults_template(s.jobTemplate.spec.template)


def set_defaults_horizontal_pod_autoscaler(hpa: Any) -> None:
    """autoscaling/v2 ``SetDefaults_HorizontalPodAutoscaler``: minReplicas 1; with no metrics, CPU at 80 %
    average utilization (``autoscaling.DefaultCPUUtilization``). Simplified: ``behavior`` is not filled in.

    >>> from k8snet.api.autoscaling_v2 import HorizontalPodAutoscaler
    >>> hpa = HorizontalPodAutoscaler(metadata={"name": "web"}, spec={"maxReplicas": 3})
    >>> set_defaults_horizontal_pod_autoscaler(hpa)
    >>> hpa.spec.minReplicas, hpa.spec.metrics[0].resource.target.averageUtilization
    (1, 80)
    """
    from k8snet.api.autoscaling_v2 import HorizontalPodAutoscalerSpec, MetricSpec

    if hpa.spec is None:
        hpa.spec = HorizontalPodAutoscalerSpec()
    if hpa.spec.minReplicas is None:
        hpa.spec.minReplicas = 1
    if not hpa.spec.metrics:
        hpa.spec.metrics = [
            MetricSpec.model_validate(
                {
                    "type": "Resource",
                    "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}},
                }
            )
        ]


def set_defaults_network_policy(np: Any) -> None:
    """networking/v1 ``SetDefaults_NetworkPolicy`` and ``SetDefaults_NetworkPolicyPort``: ``policyTypes``
    ``[Ingress]`` (plus ``Egress`` when there are egress rules); port protocol ``TCP``; ``podSelector: {}``
    (a struct in Go, always present).

    >>> from k8snet.api.networking_v1 import NetworkPolicy
    >>> np = NetworkPolicy.model_validate({"metadata": {"name": "a"}, "spec": {"egress": [{"ports": [{"port": 53}]}]}})
    >>> set_defaults_network_policy(np)
    >>> np.spec.policyTypes, np.spec.egress[0].ports[0].protocol, np.spec.podSelector.to_dict()
    (['Ingress', 'Egress'], 'TCP', {})
    """
    from k8snet.api.meta_v1 import LabelSelector
    from k8snet.api.networking_v1 import NetworkPolicySpec

    if np.spec is None:
        np.spec = NetworkPolicySpec()
    s = np.spec
    if s.podSelector is None:
        s.podSelector = LabelSelector()
    for rule in list(s.ingress or []) + list(s.egress or []):
        for port in rule.ports or []:
            if port.protocol is None:
                port.protocol = "TCP"
    if not s.policyTypes:
        s.policyTypes = ["Ingress"] + (["Egress"] if s.egress else [])


def set_defaults_ingress_class(ic: Any) -> None:
    """networking/v1 ``SetDefaults_IngressClass``: a ``parameters`` reference without a scope is ``Cluster``."""
    params = ic.spec.parameters if ic.spec else None
    if params is not None and params.scope is None:
        params.scope = "Cluster"


def set_defaults_role_binding(binding: Any) -> None:
    """rbac/v1 ``SetDefaults_RoleBinding``/``ClusterRoleBinding`` and ``SetDefaults_Subject``: ``roleRef`` in the
    RBAC group; User and Group subjects in it too, ServiceAccounts in the core group.

    >>> from k8snet.api.rbac_v1 import RoleBinding
    >>> rb = RoleBinding(metadata={"name": "b"}, roleRef={"kind": "Role", "name": "r"},
    ...     subjects=[{"kind": "User", "name": "jane"}])
    >>> set_defaults_role_binding(rb)
    >>> rb.roleRef.apiGroup, rb.subjects[0].apiGroup
    ('rbac.authorization.k8s.io', 'rbac.authorization.k8s.io')
    """
    from k8snet.api.rbac_v1 import RoleRef

    if binding.roleRef is None:
        binding.roleRef = RoleRef()
    if not binding.roleRef.apiGroup:
        binding.roleRef.apiGroup = "rbac.authorization.k8s.io"
    for subject in binding.subjects or []:
        if not subject.apiGroup and subject.kind in ("User", "Group"):
            subject.apiGroup = "rbac.authorization.k8s.io"


def set_defaults_storage_class(sc: Any) -> None:
    """storage/v1 ``SetDefaults_StorageClass``: reclaim policy ``Delete``, binding mode ``Immediate``.

    >>> from k8snet.api.storage_v1 import StorageClass
    >>> sc = StorageClass(metadata={"name": "standard"}, provisioner="rancher.io/local-path")
    >>> set_defaults_storage_class(sc)
    >>> sc.reclaimPolicy, sc.volumeBindingMode
    ('Delete', 'Immediate')
    """
    if sc.reclaimPolicy is None:
        sc.reclaimPolicy = "Delete"
    if sc.volumeBindingMode is None:
        sc.volumeBindingMode = "Immediate"


def set_defaults_priority_class(pc: Any) -> None:
    """scheduling/v1 ``SetDefaults_PriorityClass``: ``preemptionPolicy: PreemptLowerPriority``."""
    if pc.preemptionPolicy is None:
        pc.preemptionPolicy = "PreemptLowerPriority"


def set_defaults_webhook_configuration(cfg: Any) -> None:
    """admissionregistration/v1 ``SetDefaults_ValidatingWebhook``/``MutatingWebhook``, ``SetDefaults_Rule`` and
    ``SetDefaults_ServiceReference``: failurePolicy ``Fail``, matchPolicy ``Equivalent``, empty namespace and
    object selectors, timeoutSeconds 10, reinvocationPolicy ``Never`` (mutating), rule scope ``*``, Service
    port 443.

    >>> from k8snet.api.admissionregistration_v1 import MutatingWebhookConfiguration
    >>> cfg = MutatingWebhookConfiguration(metadata={"name": "m"}, webhooks=[{"name": "a.b.c",
    ...     "clientConfig": {"service": {"name": "s", "namespace": "n"}}, "rules": [{"operations": ["CREATE"]}]}])
    >>> set_defaults_webhook_configuration(cfg)
    >>> h = cfg.webhooks[0]
    >>> h["failurePolicy"], h["timeoutSeconds"], h["reinvocationPolicy"], h["rules"][0]["scope"], h["clientConfig"]["service"]["port"]
    ('Fail', 10, 'Never', '*', 443)
    """
    mutating = cfg.kind == "MutatingWebhookConfiguration"
    for hook in cfg.webhooks or []:
        hook.setdefault("failurePolicy", "Fail")
        hook.setdefault("matchPolicy", "Equivalent")
        hook.setdefault("namespaceSelector", {})
        hook.setdefault("objectSelector", {})
        hook.setdefault("timeoutSeconds", 10)
        if mutating:
            hook.setdefault("reinvocationPolicy", "Never")
        for rule in hook.get("rules") or []:
            if isinstance(rule, dict):
                rule.setdefault("scope", "*")
        service = (hook.get("clientConfig") or {}).get("service")
        if isinstance(service, dict):
            service.setdefault("port", 443)


#: Defaulting per kind (``pkg/apis/*/v1/defaults.go``), run before allocation and validation: kind → function.
DEFAULTS = {
    "Service": set_defaults_service,
    "Pod": set_defaults_pod,
    "Deployment": set_defaults_deployment,
    "ReplicaSet": set_defaults_replica_set,
    "Endpoints": set_defaults_endpoints,
    "EndpointSlice": set_defaults_endpoint_slice,
    "Secret": set_defaults_secret,
    "PersistentVolume": set_defaults_persistent_volume,
    "PersistentVolumeClaim": set_defaults_persistent_volume_claim,
    "ReplicationController": set_defaults_replication_controller,
    "PodTemplate": set_defaults_pod_template,
    "LimitRange": set_defaults_limit_range,
    "StatefulSet": set_defaults_stateful_set,
    "DaemonSet": set_defaults_daemon_set,
    "Job": set_defaults_job,
    "CronJob": set_defaults_cron_job,
    "HorizontalPodAutoscaler": set_defaults_horizontal_pod_autoscaler,
    "NetworkPolicy": set_defaults_network_policy,
    "IngressClass": set_defaults_ingress_class,
    "RoleBinding": set_defaults_role_binding,
    "ClusterRoleBinding": set_defaults_role_binding,
    "StorageClass": set_defaults_storage_class,
    "PriorityClass": set_defaults_priority_class,
    "ValidatingWebhookConfiguration": set_defaults_webhook_configuration,
    "MutatingWebhookConfiguration": set_defaults_webhook_configuration,
}
