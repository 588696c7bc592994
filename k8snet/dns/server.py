"""CoreDNS as kubeadm 1.34 deploys it: the ``kubernetes`` plugin's answers over the cluster's objects.

kubeadm 1.34 deploys CoreDNS v1.12.1 (kubernetes/kubernetes ``cmd/kubeadm/app/constants/constants.go``,
``DefaultCoreDNSVersion``) with this server block (``cmd/kubeadm/app/phases/addons/dns/manifests.go``; the
``cache`` exceptions for the cluster domain arrived in kubeadm 1.32, kubernetes/kubernetes#128359)::

    .:53 {
        errors
        health {
           lameduck 5s
        }
        ready
        kubernetes cluster.local in-addr.arpa ip6.arpa {
           pods insecure
           fallthrough in-addr.arpa ip6.arpa
           ttl 30
        }
        prometheus :9153
        forward . /etc/resolv.conf {
           max_concurrent 1000
        }
        cache 30 {
           disable success cluster.local
           disable denial cluster.local
        }
        loop
        reload
        loadbalance
    }

:class:`CoreDNS` answers one question the way that block does. Record building follows coredns/coredns
``plugin/kubernetes/kubernetes.go`` (``Records``, ``findServices``, ``findPods``, ``endpointHostname``),
``plugin/kubernetes/parse.go`` (``parseRequest``), ``plugin/kubernetes/reverse.go``, ``plugin/kubernetes/ns.go``,
``plugin/kubernetes/object/endpoint.go`` (EndpointSlice conversion: only the ``ready`` condition counts, ``nil``
meaning ready; ``serving``/``terminating`` are not read) and the generic answer builders in
``plugin/backend_lookup.go`` (``A``, ``AAAA``, ``SRV``, ``PTR``, ``CNAME``, ``TXT``, ``NS``, ``SOA``). The record
shapes are the ones the Kubernetes DNS-Based Service Discovery specification (kubernetes/dns
``docs/specification.md``) requires.

Simplifications (each is a place where real output can differ):

- Names outside the cluster zones are answered from a small ``external`` table (name -> addresses or a CNAME
  target) standing in for the upstream servers that ``forward . /etc/resolv.conf`` sends them to; a name not in
  the table is NXDOMAIN. Upstream answers are non-authoritative with TTL ``external_ttl``.
- ``cache 30`` is not modelled: cluster-domain answers are not cached anyway (``disable success/denial``), but
  repeated upstream answers would come back from the cache with a shrinking TTL. Nor is ``loadbalance``, which
  shuffles the A/AAAA records of every answer; we keep CoreDNS's pre-shuffle order (EndpointSlices by name,
  endpoints in slice order).
- The SOA serial is CoreDNS's "last modified" Unix time; we use the newest ``creationTimestamp`` among Services and
  EndpointSlices (0 if none), as we do not track update times.
- ``ns.dns.<zone>`` and the apex NS record point at the ``kube-dns`` Service (real CoreDNS finds the Service whose
  endpoints include its own Pod IP; under kubeadm that is ``kube-dns``).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from k8snet.errors import ConfigError

from .names import address_from_reverse, fqdn, parse_ip
from .output import dig_record_line, dig_text

__all__ = ["CoreDNS", "DNSResponse", "Record", "DNS_SCHEMA_VERSION", "check_query", "object_field"]

#: ``DNSSchemaVersion`` in coredns/coredns ``plugin/kubernetes/kubernetes.go`` (answered at ``dns-version.<zone>``).
DNS_SCHEMA_VERSION = "1.1.0"

_SERVICE_NAME_LABEL = "kubernetes.io/service-name"
#: Namespaces every kubeadm cluster has; ``CoreDNS.from_objects`` assumes them unless told otherwise.
_SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
_TYPES = ("A", "AAAA", "CNAME", "SRV", "PTR", "TXT", "SOA", "NS", "MX", "ANY")
#: Other record types a client may ask (miekg/dns ``StringToType``, the common ones): the kubernetes plugin answers
#: them with its "fake A lookup" (NODATA for a name that exists, NXDOMAIN otherwise), upstreams with no data.
_OTHER_TYPES = frozenset(
    "HINFO NAPTR CAA DS DNSKEY RRSIG NSEC NSEC3 NSEC3PARAM SSHFP TLSA SMIMEA HTTPS SVCB SPF LOC RP AFSDB NULL "
    "DNAME CERT KX URI OPENPGPKEY CDS CDNSKEY CSYNC ZONEMD APL IPSECKEY DHCID HIP EUI48 EUI64 MINFO MB MG MR "
    "TKEY TSIG".split()
)
_Server = TypeVar("_Server", bound="CoreDNS")


# ----------------------------------------------------------------------------------------------------------------
# Records and messages
# ----------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """One resource record. ``name`` is fully qualified (trailing dot); ``data`` is the RDATA as text.

    ``str()`` is the miekg/dns presentation format CoreDNS's own tests use; :meth:`dig_line` is dig's layout.

    >>> r = Record("kubernetes.default.svc.cluster.local.", "A", 30, "10.96.0.1")
    >>> print(str(r).replace("\\t", " | "))
    kubernetes.default.svc.cluster.local. | 30 | IN | A | 10.96.0.1
    >>> r.dig_line()
    'kubernetes.default.svc.cluster.local. 30 IN A\\t10.96.0.1'
    """

    name: str
    type: str
    ttl: int
    data: str

    def __str__(self) -> str:
        return f"{self.name}\t{self.ttl}\tIN\t{self.type}\t{self.data}"

    def dig_line(self) -> str:
        """The record as dig prints it: BIND's ``dns_master_style`` columns 24/32/40/48 with 8-wide tabs
        (isc-projects/bind9 ``bin/dig/dig.c`` ``dns_master_stylecreate(..., 24, 32, 40, 48, ...)`` and
        ``lib/dns/masterdump.c`` ``indent``: tabs up to the column, at least one space)."""
        return dig_record_line(self)


@dataclass
class DNSResponse:
    """The reply to one question sent to one server (what ``dig @server name type`` shows)."""

    qname: str
    qtype: str
    rcode: str
    answer: list[Record] = field(default_factory=list)
    authority: list[Record] = field(default_factory=list)
    additional: list[Record] = field(default_factory=list)
    authoritative: bool = True
    recursion_available: bool = False
    server: str = ""

    def flags(self) -> str:
        """Header flags as dig lists them (``qr aa rd``): the client always sets ``rd``."""
        out = ["qr"]
        if self.authoritative:
            out.append("aa")
        out.append("rd")
        if self.recursion_available:
            out.append("ra")
        return " ".join(out)

    def to_text(self) -> str:
        """dig's text for this reply, as with ``dig +noedns`` (no OPT pseudo-section).

        The message id is printed as 0; dig's banner, ``Query time``, ``WHEN`` and ``MSG SIZE`` lines are left out
        because they change on every run.
        """
        return dig_text(self)


# ----------------------------------------------------------------------------------------------------------------
# The cluster objects as CoreDNS's informers see them (plugin/kubernetes/object/*.go)
# ----------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Port:
    name: str
    protocol: str
    port: int


@dataclass(frozen=True)
class _Address:
    ip: str
    hostname: str = ""
    target_ref_name: str = ""


@dataclass
class _Endpoints:
    """object.Endpoints for one EndpointSlice (object/endpoint.go ``EndpointSliceToEndpoints``)."""

    name: str
    namespace: str
    service: str
    addresses: list[_Address]
    ports: list[_Port]


@dataclass
class _Service:
    """object.Service (object/service.go ``ToService``)."""

    name: str
    namespace: str
    type: str
    cluster_ips: list[str]
    external_name: str
    ports: list[_Port]

    @property
    def headless(self) -> bool:
        return bool(self.cluster_ips) and self.cluster_ips[0] == "None"


@dataclass(frozen=True)
class _Msg:
    """msg.Service: what the backend returns; ``domain`` is msg.Domain(Key) without the trailing dot."""

    host: str
    domain: str
    port: int = 0
    ttl: int = 30
    text: str = ""

    def host_type(self) -> str:
        # plugin/etcd/msg/service.go HostType()
        ip = parse_ip(self.host)
        if ip is None:
            return "TXT" if self.text else "CNAME"
        return "A" if ip.version == 4 else "AAAA"


def check_query(qname: Any, rdtype: Any) -> str:
    """The question's type in upper case, or :class:`~k8snet.errors.ConfigError` for a name that is not a string
    or a type no DNS client can ask (``TYPE65`` style numbers are accepted, as dig accepts them).

    >>> check_query("web.default.svc.cluster.local.", "hinfo")
    'HINFO'
    >>> check_query(42, "A")
    Traceback (most recent call last):
    ...
    k8snet.errors.ConfigError: a DNS name is a string, not int (42)
    """
    if not isinstance(qname, str):
        raise ConfigError(f"a DNS name is a string, not {type(qname).__name__} ({qname!r})")
    qtype = rdtype.upper() if isinstance(rdtype, str) else ""
    generic = (
        qtype.startswith("TYPE") and qtype[4:].isascii() and qtype[4:].isdigit() and int(qtype[4:]) < 65536
    )
    if qtype in _TYPES or qtype in _OTHER_TYPES or generic:
        return qtype
    raise ConfigError(f"unsupported record type {rdtype!r}; one of {', '.join(_TYPES)}, or another RR type")


class _NameError(Exception):
    """errNoItems / errNsNotExposed / errInvalidRequest: IsNameError() is true, the answer is NXDOMAIN."""


def object_field(obj: Any, *path: str) -> Any:
    """The field at ``path`` of an API object or of its dict form; ``None`` where the path ends early.

    >>> from k8snet.api.core_v1 import Service
    >>> svc = Service(spec={"clusterIP": "10.96.0.1"})
    >>> object_field(svc, "spec", "clusterIP"), object_field(svc, "status", "loadBalancer", "ingress")
    ('10.96.0.1', None)
    """
    for p in path:
        if obj is None:
            return None
        obj = obj.get(p) if isinstance(obj, dict) else getattr(obj, p, None)
    return obj


class ServiceView:
    """One snapshot of Services, EndpointSlices and Namespaces, indexed the way CoreDNS's dnsControl is (the
    kubernetes plugin answers from it; tests compare the kept view with one built afresh).

    >>> ServiceView([], [], {"default"}).namespaces
    {'default'}
    """

    def __init__(self, services: Iterable[Any], slices: Iterable[Any], namespaces: set[str]):
        self.namespaces = namespaces
        self.services: dict[tuple[str, str], _Service] = {}
        self.endpoints: dict[tuple[str, str], list[_Endpoints]] = {}
        self.serial = 0
        for svc in services:
            s = self._to_service(svc)
            self.services[(s.namespace, s.name)] = s
            self._bump_serial(svc)
        for sl in sorted(slices, key=lambda o: (o.metadata.namespace or "default", o.metadata.name or "")):
            e = self._to_endpoints(sl)
            if e is not None:
                self.endpoints.setdefault((e.namespace, e.service), []).append(e)
                self._bump_serial(sl)

    @classmethod
    def assemble(
        cls,
        services: Iterable[tuple[_Service, int]],
        endpoints: Iterable[tuple[_Endpoints | None, int]],
        namespaces: set[str],
    ) -> ServiceView:
        """A view from objects converted beforehand (:meth:`_to_service`, :meth:`_to_endpoints`, each with its
        creation time as the serial counts it), Services in key order and EndpointSlices in key order: the same
        view ``ServiceView(services, slices, namespaces)`` builds from the objects."""
        view = cls((), (), namespaces)
        for svc, serial in services:
            view.services[(svc.namespace, svc.name)] = svc
            view.serial = max(view.serial, serial)
        for eps, serial in endpoints:
            if eps is not None:
                view.endpoints.setdefault((eps.namespace, eps.service), []).append(eps)
                view.serial = max(view.serial, serial)
        return view

    def _bump_serial(self, obj: Any) -> None:
        self.serial = max(self.serial, _serial_of(obj))

    @staticmethod
    def _to_service(svc: Any) -> _Service:
        spec = svc.spec
        ips = list(object_field(spec, "clusterIPs") or [])
        if not ips:
            ips = [object_field(spec, "clusterIP") or ""]
        ports = [
            _Port(p.name or "", p.protocol or "TCP", p.port if p.port is not None else -1)
            for p in (object_field(spec, "ports") or [])
        ]
        if not ports:
            ports = [_Port("", "", -1)]  # object/service.go: "Add sentinel if there are no ports."
        return _Service(
            name=svc.metadata.name or "",
            namespace=svc.metadata.namespace or "default",
            type=object_field(spec, "type") or "ClusterIP",
            cluster_ips=ips,
            external_name=object_field(spec, "externalName") or "",
            ports=ports,
        )

    @staticmethod
    def _to_endpoints(sl: Any) -> _Endpoints | None:
        labels = sl.metadata.labels or {}
        service = labels.get(_SERVICE_NAME_LABEL)
        if not service:
            return None
        ports = [
            _Port(p.name or "", p.protocol or "TCP", p.port if p.port is not None else -1)
            for p in (sl.ports or [])
        ]
        if not ports:
            ports = [_Port("", "", -1)]  # object/endpoint.go: sentinel when the slice has no ports
        addrs: list[_Address] = []
        for ep in sl.endpoints or []:
            ready = object_field(ep, "conditions", "ready")
            if ready is False:  # endpointsliceReady(): nil counts as ready
                continue
            ref = object_field(ep, "targetRef", "name") or ""
            for a in ep.addresses or []:
                addrs.append(
                    _Address(ip=a, hostname=ep.hostname or "", target_ref_name=ref if len(ref) < 64 else "")
                )
        return _Endpoints(
            name=sl.metadata.name or "",
            namespace=sl.metadata.namespace or "default",
            service=service,
            addresses=addrs,
            ports=ports,
        )

    def services_by_ip(self, ip: str) -> list[_Service]:
        return [s for s in self.services.values() if any(_same_ip(ip, c) for c in s.cluster_ips)]

    def endpoints_by_ip(self, ip: str) -> list[_Endpoints]:
        return [
            e for eps in self.endpoints.values() for e in eps if any(_same_ip(ip, a.ip) for a in e.addresses)
        ]


def _serial_of(obj: Any) -> int:
    ts = object_field(obj, "metadata", "creationTimestamp")
    return int(ts.timestamp()) if isinstance(ts, datetime) else 0


class _InformerView:
    """What CoreDNS's ``dnsControl`` keeps (``plugin/kubernetes/controller.go``): informers on Services,
    EndpointSlices and Namespaces (here also Pods, whose namespaces exist), each object converted once, when it
    changes; a query's view is put together from those conversions, again only after a change. ``informers`` is
    a :class:`k8snet.controllers.informers.SharedInformerFactory`."""

    def __init__(self, informers: Any):
        self._services: dict[tuple[str, str], tuple[_Service, int]] = {}
        self._slices: dict[tuple[str, str], tuple[_Endpoints | None, int]] = {}
        self._namespaces: dict[str, int] = {}  # namespace -> Namespace objects, Services and Pods in it
        self._view: ServiceView | None = None
        for kind, convert in (
            ("Service", self._service),
            ("EndpointSlice", self._slice),
            ("Namespace", None),
            ("Pod", None),
        ):
            informers.informer(kind).add_event_handler(
                add=lambda obj, c=convert: self._change(None, obj, c),
                update=lambda old, new, c=convert: self._change(old, new, c),
                delete=lambda obj, c=convert: self._change(obj, None, c),
            )

    @staticmethod
    def _key(obj: Any) -> tuple[str, str]:
        return (obj.metadata.namespace or "default", obj.metadata.name or "")

    def _service(self, obj: Any) -> tuple[_Service, int]:
        return (ServiceView._to_service(obj), _serial_of(obj))

    def _slice(self, obj: Any) -> tuple[_Endpoints | None, int]:
        return (ServiceView._to_endpoints(obj), _serial_of(obj))

    def _change(self, old: Any, new: Any, convert: Any) -> None:
        self._view = None
        for obj, delta in ((old, -1), (new, 1)):
            if obj is None:
                continue
            ns = obj.metadata.name if obj.kind == "Namespace" else (obj.metadata.namespace or "default")
            if obj.kind != "EndpointSlice":
                n = self._namespaces.get(ns, 0) + delta
                if n:
                    self._namespaces[ns] = n
                else:
                    self._namespaces.pop(ns, None)
        if convert is None:
            return
        table: dict[tuple[str, str], Any] = self._services if convert == self._service else self._slices
        obj = new if new is not None else old
        if new is None:
            table.pop(self._key(obj), None)
        else:
            table[self._key(obj)] = convert(new)

    def view(self) -> ServiceView:
        if self._view is None:
            namespaces = set(_SYSTEM_NAMESPACES) | set(self._namespaces)
            self._view = ServiceView.assemble(
                (self._services[k] for k in sorted(self._services)),
                (self._slices[k] for k in sorted(self._slices)),
                namespaces,
            )
        return self._view


def _same_ip(a: str, b: str) -> bool:
    pa, pb = parse_ip(a), parse_ip(b)
    return pa is not None and pa == pb


def _endpoint_hostname(addr: _Address) -> str:
    # kubernetes.go endpointHostname (endpoint_pod_names is off under kubeadm)
    if addr.hostname:
        return addr.hostname
    if "." in addr.ip:
        return addr.ip.replace(".", "-")
    if ":" in addr.ip:
        return addr.ip.replace(":", "-")
    return ""


@dataclass
class _Request:
    """parse.go recordRequest."""

    port: str = ""
    protocol: str = ""
    endpoint: str = ""
    service: str = ""
    namespace: str = ""
    pod_or_svc: str = ""


def _trim_zone(name: str, zone: str) -> str:
    base = name[: len(name) - len(zone)]
    return base[:-1] if base.endswith(".") else base


def _parse_request(name: str, zone: str) -> _Request:
    # parse.go parseRequest (no multicluster, no zonal names)
    r = _Request()
    base = _trim_zone(name, zone)
    if base in ("", "svc", "pod"):
        return r
    segs = base.split(".")
    last = len(segs) - 1
    r.pod_or_svc = segs[last]
    if r.pod_or_svc not in ("pod", "svc"):
        raise _NameError("invalid query name")
    last -= 1
    if last < 0:
        return r
    r.namespace = segs[last]
    last -= 1
    if last < 0:
        return r
    r.service = segs[last]
    last -= 1
    if last < 0:
        return r
    if last == 0:
        r.endpoint = segs[0]
    elif last == 1:
        r.protocol = segs[1][1:] if segs[1].startswith("_") else segs[1]
        r.port = segs[0][1:] if segs[0].startswith("_") else segs[0]
    else:
        raise _NameError("invalid query name")
    return r


def _match_port(r: _Request, p: _Port) -> bool:
    # kubernetes.go matchPortAndProtocol: empty request labels match anything
    return (r.port == "" or r.port.lower() == p.name.lower()) and (
        r.protocol == "" or r.protocol.lower() == p.protocol.lower()
    )


# ----------------------------------------------------------------------------------------------------------------
# The server
# ----------------------------------------------------------------------------------------------------------------


class CoreDNS:
    """CoreDNS (kubeadm 1.34 Corefile) over the current cluster objects.

    ``source`` is anything with ``services(namespace=None)``, ``endpoint_slices(namespace=None)``,
    ``pods(namespace=None)`` and optionally ``api.list("Namespace")`` (a :class:`k8snet.sim.cluster.Cluster`).
    Records are rebuilt from the objects on every query. ``external`` (name -> addresses or a CNAME target)
    answers the names ``forward`` would send upstream, with TTL ``external_ttl``; ``cluster_dns`` overrides
    the address of the ``kube-dns`` Service (:attr:`nameserver`).

    Examples
    --------
    >>> from k8snet.api.core_v1 import Service
    >>> k = Service(metadata={"name": "kubernetes", "namespace": "default"},
    ...             spec={"clusterIP": "10.96.0.1", "clusterIPs": ["10.96.0.1"],
    ...                   "ports": [{"name": "https", "port": 443, "protocol": "TCP"}]})
    >>> coredns = CoreDNS.from_objects([k])
    >>> print(coredns.query("kubernetes.default.svc.cluster.local").answer[0])
    kubernetes.default.svc.cluster.local.	30	IN	A	10.96.0.1
    """

    def __init__(
        self,
        source: Any,
        cluster_domain: str = "cluster.local",
        ttl: int = 30,
        external: dict[str, Sequence[str]] | None = None,
        external_ttl: int = 300,
        cluster_dns: str | None = None,
    ):
        self.source = source
        self.cluster_domain = cluster_domain.rstrip(".")
        self.ttl = ttl
        self.external = {
            fqdn(k).lower(): [v] if isinstance(v, str) else list(v) for k, v in (external or {}).items()
        }
        self.external_ttl = external_ttl
        self._cluster_dns = cluster_dns
        self._namespaces_override: set[str] | None = None
        # a source with shared informers (a Cluster) is read through them, as CoreDNS reads the API server
        informers = getattr(source, "informers", None)
        self._informer_view = _InformerView(informers) if informers is not None else None

    @classmethod
    def from_objects(
        cls: type[_Server],
        objects: Iterable[Any],
        cluster_domain: str = "cluster.local",
        namespaces: Iterable[str] | None = None,
        **kwargs: Any,
    ) -> _Server:
        """A server (or :class:`~k8snet.dns.resolver.DNS`) over a fixed list of model objects (Services,
        EndpointSlices, Pods, Namespaces); ``kwargs`` go to the constructor.

        Namespaces that exist: ``namespaces`` if given, else the four every kubeadm cluster has, every Namespace
        object and the namespace of every namespaced object (the API server admits nothing into a namespace
        that does not exist).
        """
        objs = list(objects)
        dns = cls(_ListSource(objs), cluster_domain=cluster_domain, **kwargs)
        if namespaces is not None:
            dns._namespaces_override = set(namespaces)
        else:
            ns = set(_SYSTEM_NAMESPACES)
            for o in objs:
                if o.kind == "Namespace":
                    ns.add(o.metadata.name)
                elif getattr(o, "namespaced", True):
                    ns.add(o.metadata.namespace or "default")
            dns._namespaces_override = ns
        return dns

    # -- the cluster view ----------------------------------------------------------------------------------------

    @property
    def zone(self) -> str:
        return self.cluster_domain + "."

    def _namespaces(self) -> set[str]:
        if self._namespaces_override is not None:
            return self._namespaces_override
        # Namespace objects if the source lists them, plus the four kubeadm namespaces, plus the namespace of every
        # object (the NamespaceLifecycle admission plugin admits nothing into a namespace that does not exist).
        ns = set(_SYSTEM_NAMESPACES)
        api = getattr(self.source, "api", None)
        try:
            ns |= {n.metadata.name for n in api.list("Namespace")}
        except Exception:  # noqa: BLE001 - a source without Namespace support: infer from its objects
            pass
        for o in list(self.source.services()) + list(self.source.pods()):
            ns.add(o.metadata.namespace or "default")
        return ns

    def _view(self) -> ServiceView:
        if self._informer_view is not None and self._namespaces_override is None:
            return self._informer_view.view()
        return ServiceView(self.source.services(), self.source.endpoint_slices(), self._namespaces())

    @property
    def nameserver(self) -> str:
        """The cluster DNS address kubelet puts in Pods: the kube-dns Service's ClusterIP, else the 10th address
        of the Service CIDR as kubeadm computes it (``GetDNSIP``), else ``10.96.0.10``."""
        if self._cluster_dns:
            return self._cluster_dns
        for svc in self.source.services("kube-system"):
            if svc.metadata.name == "kube-dns" and object_field(svc, "spec", "clusterIP") not in (
                None,
                "",
                "None",
            ):
                return svc.spec.clusterIP
        cidr = getattr(self.source, "service_cidr", None)
        if cidr:
            try:
                return str(ipaddress.ip_network(str(cidr), strict=False)[10])
            except (ValueError, IndexError):
                pass
        return "10.96.0.10"

    # -- one question to CoreDNS ---------------------------------------------------------------------------------

    def query(self, qname: str, rdtype: str = "A") -> DNSResponse:
        """Ask CoreDNS one question (like ``dig @10.96.0.10 <qname> <rdtype>``); ``qname`` is taken as absolute.

        >>> dns = CoreDNS.from_objects([])
        >>> r = dns.query("default.svc.cluster.local", "A")   # an existing namespace: no data
        >>> r.rcode, r.answer, [a.type for a in r.authority]
        ('NOERROR', [], ['SOA'])
        >>> dns.query("nosuchns.svc.cluster.local").rcode
        'NXDOMAIN'
        """
        qtype = check_query(qname, rdtype)
        qname = fqdn(qname)
        resp = self._serve(qname, qtype, self._view())
        resp.server = self.nameserver
        return resp

    def _zone_for(self, name: str) -> str:
        lname = name.lower()
        best = ""
        for z in (self.zone, "in-addr.arpa.", "ip6.arpa."):
            if (lname == z or lname.endswith("." + z)) and len(z) > len(best):
                best = z
        return best

    def _serve(self, qname: str, qtype: str, view: ServiceView) -> DNSResponse:
        zone = self._zone_for(qname)
        if not zone:
            return self.forward(qname, qtype)
        zone = qname[len(qname) - len(zone) :]  # keep the case of the question
        name = qname.lower()
        records: list[Record] = []
        extra: list[Record] = []
        try:
            if qtype == "A" or qtype == "AAAA":
                records = self._addr(qname, qtype, zone, view, [])
            elif qtype == "TXT":
                records = self._txt(qname, zone, view)
            elif qtype == "CNAME":
                svcs = self._services(qname, qtype, zone, view)
                if svcs and parse_ip(svcs[0].host) is None:
                    records = [Record(qname, "CNAME", svcs[0].ttl, fqdn(svcs[0].host))]
            elif qtype == "PTR":
                records = self._ptr(qname, zone, view)
            elif qtype == "SRV":
                records, extra = self._srv(qname, zone, view)
            elif qtype == "SOA" and name == zone.lower():
                records = [self._soa(zone, view)]
            elif qtype == "NS" and name == zone.lower():
                records, extra = self._ns(qname, zone, view)
            elif qtype in ("SOA",):
                pass
            else:  # "Do a fake A lookup, so we can distinguish between NODATA and NXDOMAIN"
                self._addr(qname, "A", zone, view, [])
        except _NameError:
            # fallthrough in-addr.arpa ip6.arpa: the next plugin (forward) gets reverse names we cannot answer
            if zone.lower() in ("in-addr.arpa.", "ip6.arpa."):
                return self.forward(qname, qtype)
            return DNSResponse(qname, qtype, "NXDOMAIN", authority=[self._soa(zone, view)])
        if not records:
            return DNSResponse(qname, qtype, "NOERROR", authority=[self._soa(zone, view)])
        return DNSResponse(qname, qtype, "NOERROR", answer=_dedup(records), additional=_dedup(extra))

    # kubernetes.go Services(): per-type special cases, then Records()
    def _services(self, qname: str, qtype: str, zone: str, view: ServiceView) -> list[_Msg]:
        name = qname.lower()
        lzone = zone.lower()
        if qtype == "TXT":
            base = _trim_zone(name, lzone)
            if base == "dns-version":
                return [_Msg(host="", domain="", ttl=28800, text=DNS_SCHEMA_VERSION)]
            return []
        if qtype == "NS":
            return [_Msg(host=ip, domain=n, ttl=self.ttl) for n, ip in self._ns_addrs(lzone, view)]
        if name == "ns.dns." + lzone:
            return [
                _Msg(host=ip, domain=qname[:-1], ttl=self.ttl)
                for _, ip in self._ns_addrs(lzone, view)
                if (parse_ip(ip).version == 4) == (qtype == "A")
            ]
        svcs = self._records(name, lzone, view)
        if qtype == "SRV":  # "SRV for external services is not yet implemented, so remove those records."
            svcs = [s for s in svcs if s.host_type() != "CNAME"]
        return svcs

    def _records(self, name: str, zone: str, view: ServiceView) -> list[_Msg]:
        r = _parse_request(name, zone)
        if not r.pod_or_svc:
            return []
        if address_from_reverse(name):  # dnsutil.IsReverse: reverse names are never services
            raise _NameError("no items found")
        if r.namespace not in view.namespaces:
            raise _NameError("namespace is not exposed")
        if r.pod_or_svc == "pod":
            return self._find_pods(r, zone)
        return self._find_services(r, zone, view)

    def _find_pods(self, r: _Request, zone: str) -> list[_Msg]:
        # kubernetes.go findPods, podMode insecure: any well-formed address answers, Pod or not
        podname = r.service
        if podname == "":
            return []
        if podname.count("-") == 3 and "--" not in podname:
            ip = podname.replace("-", ".")
        else:
            ip = podname.replace("-", ":")
        if parse_ip(ip) is None:
            raise _NameError("no items found")
        return [_Msg(host=ip, domain=f"{podname}.{r.namespace}.pod.{zone[:-1]}", ttl=self.ttl)]

    def _find_services(self, r: _Request, zone: str, view: ServiceView) -> list[_Msg]:
        if r.service == "":
            return []  # NODATA for <ns>.svc.<zone>
        found = False
        out: list[_Msg] = []
        zone_base = zone[:-1]
        for svc in view.services.values():
            if svc.namespace.lower() != r.namespace or svc.name.lower() != r.service:
                continue
            svc_domain = f"{svc.name}.{svc.namespace}.svc.{zone_base}"
            if svc.type == "ExternalName":
                if r.endpoint:  # external services cannot have endpoints
                    continue
                m = _Msg(host=svc.external_name, domain=svc_domain, ttl=self.ttl)
                if m.host_type() == "CNAME":
                    out.append(m)
                    found = True
                continue
            if svc.headless or r.endpoint:
                for ep in view.endpoints.get((svc.namespace, svc.name), []):
                    for addr in ep.addresses:
                        host_label = _endpoint_hostname(addr)
                        if r.endpoint and r.endpoint != host_label.lower():
                            continue
                        for p in ep.ports:
                            if not _match_port(r, p):
                                continue
                            out.append(
                                _Msg(
                                    host=addr.ip,
                                    port=p.port,
                                    ttl=self.ttl,
                                    domain=f"{host_label}.{svc_domain}",
                                )
                            )
                            found = True
                continue
            for p in svc.ports:
                if not _match_port(r, p):
                    continue
                found = True
                for ip in svc.cluster_ips:
                    if ip:
                        out.append(_Msg(host=ip, port=p.port, domain=svc_domain, ttl=self.ttl))
        if not found:
            raise _NameError("no items found")
        return out

    # backend_lookup.go A / AAAA, including the CNAME chase for ExternalName Services
    def _addr(
        self, qname: str, qtype: str, zone: str, view: ServiceView, previous: list[Record]
    ) -> list[Record]:
        # checkForApex would first try apex.dns.<zone>, which the kubernetes plugin never has
        svcs = self._services(qname, qtype, zone, view)
        records: list[Record] = []
        seen: set[str] = set()
        for s in svcs:
            what = s.host_type()
            if what == "CNAME":
                target = fqdn(s.host)
                if target.lower() == qname.lower():
                    continue  # x CNAME x is a direct loop
                cname = Record(qname, "CNAME", s.ttl, target)
                if len(previous) > 7 or any(str(c) == str(cname) for c in previous):
                    continue
                tzone = zone.lower()
                if target.lower() == tzone or target.lower().endswith("." + tzone):
                    try:
                        nxt = self._addr(target, qtype, zone, view, previous + [cname])
                    except _NameError:
                        nxt = []
                    if nxt:
                        records += [cname] + nxt
                    continue
                # "This means we can not complete the CNAME, try to look else where": upstream lookup
                up = self.forward(target, qtype)
                records += [cname] + up.answer
                continue
            if what == qtype and s.host not in seen:
                seen.add(s.host)
                records.append(Record(qname, qtype, s.ttl, str(parse_ip(s.host))))
        return records

    def _txt(self, qname: str, zone: str, view: ServiceView) -> list[Record]:
        return [
            Record(qname, "TXT", s.ttl, f'"{s.text}"')
            for s in self._services(qname, "TXT", zone, view)
            if s.host_type() == "TXT"
        ]

    def _srv(self, qname: str, zone: str, view: ServiceView) -> tuple[list[Record], list[Record]]:
        # backend_lookup.go SRV: weight = floor(100 / (100 * number of services at that priority) * 100)
        svcs = self._services(qname, "SRV", zone, view)
        total = 100 * len(svcs)
        records: list[Record] = []
        extra: list[Record] = []
        dup: set[tuple[str, str, int]] = set()
        for s in svcs:
            if s.port == -1:  # services/endpoints without ports
                continue
            weight = max(int(100.0 / total * 100), 1)
            what = s.host_type()
            if what not in ("A", "AAAA"):
                continue
            target = fqdn(s.domain)
            if (target, "", s.port) not in dup:
                dup.add((target, "", s.port))
                records.append(Record(qname, "SRV", s.ttl, f"0 {weight} {s.port} {target}"))
            if (target, s.host, 0) not in dup:
                dup.add((target, s.host, 0))
                extra.append(Record(target, what, s.ttl, str(parse_ip(s.host))))
        return records, extra

    def _ptr(self, qname: str, zone: str, view: ServiceView) -> list[Record]:
        # reverse.go Reverse / serviceRecordForIP: ClusterIPs first, then every endpoint address
        ip = address_from_reverse(qname)
        if not ip:
            self._records(qname.lower(), zone.lower(), view)
            return []
        base = self.cluster_domain
        hosts: list[str] = []
        svcs = view.services_by_ip(ip)
        if svcs:
            hosts = [f"{svcs[0].name}.{svcs[0].namespace}.svc.{base}"]
        else:
            for ep in view.endpoints_by_ip(ip):
                for addr in ep.addresses:
                    if _same_ip(addr.ip, ip):
                        hosts.append(f"{_endpoint_hostname(addr)}.{ep.service}.{ep.namespace}.svc.{base}")
        if not hosts:
            raise _NameError("no items found")
        out: list[Record] = []
        for h in dict.fromkeys(hosts):
            out.append(Record(qname, "PTR", self.ttl, fqdn(h)))
        return out

    def _ns_addrs(self, zone: str, view: ServiceView) -> list[tuple[str, str]]:
        # ns.go nsAddrs: the Service(s) fronting CoreDNS; under kubeadm that is kube-system/kube-dns
        svc = view.services.get(("kube-system", "kube-dns"))
        if svc is None:
            return []
        name = f"kube-dns.kube-system.svc.{zone[:-1]}."
        if svc.headless:
            return [
                (f"{_endpoint_hostname(a)}.{name}", a.ip)
                for ep in view.endpoints.get(("kube-system", "kube-dns"), [])
                for a in ep.addresses
            ]
        return [(name, ip) for ip in svc.cluster_ips if parse_ip(ip) is not None]

    def _ns(self, qname: str, zone: str, view: ServiceView) -> tuple[list[Record], list[Record]]:
        records: list[Record] = []
        extra: list[Record] = []
        for n, ip in self._ns_addrs(zone.lower(), view):
            rec = Record(qname, "NS", self.ttl, n)
            if rec not in records:
                records.append(rec)
            extra.append(Record(n, "A" if parse_ip(ip).version == 4 else "AAAA", self.ttl, ip))
        return records, extra

    def _soa(self, zone: str, view: ServiceView) -> Record:
        # backend_lookup.go SOA: TTL min(300, ttl), mbox hostmaster.<zone>, ns ns.dns.<zone>, minttl = ttl
        z = zone.lower()
        ttl = min(300, self.ttl)
        return Record(z, "SOA", ttl, f"ns.dns.{z} hostmaster.{z} {view.serial} 7200 1800 86400 {self.ttl}")

    # -- names CoreDNS forwards ----------------------------------------------------------------------------------

    def forward(self, qname: str, qtype: str, depth: int = 0) -> DNSResponse:
        """The ``forward`` plugin's answer, from the ``external`` table (non-authoritative, recursion
        available). It also stands for any DNS server outside the cluster, such as the node's own nameservers.

        >>> coredns = CoreDNS.from_objects([], external={"example.com": ["93.184.215.14"]})
        >>> r = coredns.forward("example.com.", "A")
        >>> r.rcode, r.authoritative, [str(a) for a in r.answer]
        ('NOERROR', False, ['example.com.\\t300\\tIN\\tA\\t93.184.215.14'])
        """
        name = qname.lower()
        resp = DNSResponse(qname, qtype, "NOERROR", authoritative=False, recursion_available=True)
        if name not in self.external:
            resp.rcode = "NXDOMAIN"
            return resp
        for value in self.external[name]:
            ip = parse_ip(value)
            if ip is not None:
                t = "A" if ip.version == 4 else "AAAA"
                if t == qtype or qtype == "ANY":
                    resp.answer.append(Record(qname, t, self.external_ttl, str(ip)))
            elif name.endswith(".arpa."):
                if qtype in ("PTR", "ANY"):
                    resp.answer.append(Record(qname, "PTR", self.external_ttl, fqdn(value)))
            else:
                resp.answer.append(Record(qname, "CNAME", self.external_ttl, fqdn(value)))
                if qtype != "CNAME" and depth < 8:
                    nxt = self.forward(fqdn(value), qtype, depth + 1)
                    resp.answer += nxt.answer
                    resp.rcode = nxt.rcode
        return resp


def _dedup(records: list[Record]) -> list[Record]:
    # plugin/pkg/dnsutil Dedup: identical RRs appear once
    return list(dict.fromkeys(records))


class _ListSource:
    """A fixed list of objects behind the Cluster's read methods."""

    def __init__(self, objects: list[Any]):
        self.objects = objects

    def _of(self, kind: str, namespace: str | None) -> list[Any]:
        return [
            o
            for o in self.objects
            if o.kind == kind and (namespace is None or (o.metadata.namespace or "default") == namespace)
        ]

    def services(self, namespace: str | None = None) -> list[Any]:
        return self._of("Service", namespace)

    def endpoint_slices(self, namespace: str | None = None) -> list[Any]:
        return self._of("EndpointSlice", namespace)

    def pods(self, namespace: str | None = None) -> list[Any]:
        return self._of("Pod", namespace)
