"""A Pod's side of cluster DNS: the resolv.conf kubelet writes, and the stub resolver's search.

:class:`DNS` is :class:`~k8snet.dns.server.CoreDNS` plus the Pod's resolver. :meth:`DNS.resolv_conf` is the
``/etc/resolv.conf`` kubelet and the container runtime write (kubernetes/kubernetes
``pkg/kubelet/network/dns/dns.go``; containerd writes ``search``, ``nameserver``, ``options`` in that order);
:meth:`DNS.resolve` is glibc's ``res_search`` walk of the search list with ``ndots:5`` (``resolv/res_query.c``
``__res_context_search``).

Simplified: the Pod's search list gets no node search domains unless ``host_search`` is given (kubelet appends
the node's own ``search`` line); ``dnsPolicy: Default`` uses ``host_nameservers`` (a TEST-NET placeholder by
default), which answer as the ``external`` table does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from k8snet.errors import ConfigError

from .names import fqdn, parse_ip, reverse_name
from .output import NslookupOutput, busybox_nslookup_text, nslookup_text
from .server import CoreDNS, DNSResponse, Record, check_query, object_field

__all__ = ["DNS", "DNSResult", "glibc_ndots"]

#: pkg/apis/core/validation: MaxDNSNameservers, MaxDNSSearchPathsExpanded, MaxDNSSearchListCharsExpanded.
_MAX_NAMESERVERS, _MAX_SEARCH_PATHS, _MAX_SEARCH_CHARS = 3, 32, 2048


@dataclass
class DNSResult:
    """What a Pod's resolver got for one name: the queries it sent in order (``tried``), every reply
    (``responses``), the final ``rcode`` and the ``answers`` of the reply it accepted.

    ``rcode`` follows glibc ``res_search``: ``NOERROR`` with answers on success; otherwise the failure of the
    as-is query if that was tried first, else ``NOERROR`` (no data) if any search-list query returned no data,
    else the last failure (usually ``NXDOMAIN``).
    """

    name: str
    rdtype: str
    answers: list[Record]
    tried: list[str]
    rcode: str
    nameserver: str
    responses: list[DNSResponse]
    resolv_conf: str = ""

    @property
    def response(self) -> DNSResponse:
        """The reply that ended the search (the answering one, or the last one sent)."""
        for r in self.responses:
            if r.answer and r.rcode == "NOERROR":
                return r
        return self.responses[-1]

    def dig(self) -> str:
        """``dig +search +noedns <name> <type>`` from the Pod: the text of :attr:`response`."""
        return self.response.to_text()

    def nslookup(self) -> str:
        """nslookup's (bind9 dnsutils, as in a Debian or Ubuntu image) text for an A/AAAA/PTR/CNAME lookup of
        the name.

        Simplified: one record type only (bind9 9.16+ nslookup also asks AAAA after A). A ``busybox`` Pod prints
        busybox's layout instead: :meth:`DNS.nslookup`.
        """
        return nslookup_text(self)

    def __str__(self) -> str:
        return self.dig()


class DNS(CoreDNS):
    """CoreDNS (kubeadm 1.34 Corefile) over the current cluster objects, plus a Pod's stub resolver.

    ``source`` is anything with ``services(namespace=None)``, ``endpoint_slices(namespace=None)``,
    ``pods(namespace=None)`` and optionally ``api.list("Namespace")`` (a :class:`k8snet.sim.cluster.Cluster`).
    Records are rebuilt from the objects on every query. The server's parameters are
    :class:`~k8snet.dns.server.CoreDNS`'s; ``host_search`` and ``host_nameservers`` are the node's own
    resolv.conf, which kubelet extends or hands to Pods depending on their ``dnsPolicy``.

    Examples
    --------
    >>> from k8snet.api.core_v1 import Service
    >>> k = Service(metadata={"name": "kubernetes", "namespace": "default"},
    ...             spec={"clusterIP": "10.96.0.1", "clusterIPs": ["10.96.0.1"],
    ...                   "ports": [{"name": "https", "port": 443, "protocol": "TCP"}]})
    >>> dns = DNS.from_objects([k])
    >>> r = dns.resolve("kubernetes.default")
    >>> r.tried
    ['kubernetes.default.default.svc.cluster.local.', 'kubernetes.default.svc.cluster.local.']
    >>> r.rcode, [str(a) for a in r.answers]
    ('NOERROR', ['kubernetes.default.svc.cluster.local.\\t30\\tIN\\tA\\t10.96.0.1'])
    >>> print(dns.query("_https._tcp.kubernetes.default.svc.cluster.local.", "SRV").answer[0])
    _https._tcp.kubernetes.default.svc.cluster.local.	30	IN	SRV	0 100 443 kubernetes.default.svc.cluster.local.
    >>> dns.query("nosuch.default.svc.cluster.local.").rcode
    'NXDOMAIN'
    """

    def __init__(
        self,
        source: Any,
        cluster_domain: str = "cluster.local",
        ttl: int = 30,
        external: dict[str, Sequence[str]] | None = None,
        external_ttl: int = 300,
        host_search: Sequence[str] = (),
        host_nameservers: Sequence[str] = ("192.0.2.53",),
        cluster_dns: str | None = None,
    ):
        super().__init__(
            source,
            cluster_domain=cluster_domain,
            ttl=ttl,
            external=external,
            external_ttl=external_ttl,
            cluster_dns=cluster_dns,
        )
        self.host_search = list(host_search)
        self.host_nameservers = list(host_nameservers)

    def _pod(self, pod: Any) -> Any:
        if pod is None:
            return pod
        if not isinstance(pod, str):
            if getattr(pod, "metadata", None) is None:
                raise ConfigError(f"pod={pod!r}: give a Pod, its name or 'namespace/name'")
            return pod
        ns, _, name = pod.rpartition("/")
        informers = getattr(self.source, "informers", None)
        if informers is not None and ns:
            found = informers.informer("Pod").get(ns, name)
            if found is not None:
                return found
        for p in self.source.pods(ns or None):
            if p.metadata.name == name and (not ns or (p.metadata.namespace or "default") == ns):
                return p
        from k8snet.errors import NotFoundError

        raise NotFoundError("pods", name)

    def _resolver_config(self, pod: Any) -> tuple[list[str], list[str], list[str]]:
        # pkg/kubelet/network/dns/dns.go GetPodDNS
        pod = self._pod(pod)
        namespace = (pod.metadata.namespace or "default") if pod is not None else "default"
        policy = (
            (object_field(pod, "spec", "dnsPolicy") or "ClusterFirst") if pod is not None else "ClusterFirst"
        )
        host_network = bool(object_field(pod, "spec", "hostNetwork"))
        servers: list[str]
        searches: list[str]
        options: list[str]
        if policy == "None":
            servers, searches, options = [], [], []
        elif policy == "ClusterFirstWithHostNet" or (policy == "ClusterFirst" and not host_network):
            servers = [self.nameserver]
            cluster = [
                f"{namespace}.svc.{self.cluster_domain}",
                f"svc.{self.cluster_domain}",
                self.cluster_domain,
            ]
            searches = list(dict.fromkeys(cluster + self.host_search))
            options = ["ndots:5"]
        else:  # Default, or ClusterFirst on the host network: the node's own resolv.conf
            servers, searches, options = list(self.host_nameservers), list(self.host_search), []
        cfg = object_field(pod, "spec", "dnsConfig") if pod is not None else None
        if cfg:
            servers = list(dict.fromkeys(servers + list(object_field(cfg, "nameservers") or [])))
            searches = list(dict.fromkeys(searches + list(object_field(cfg, "searches") or [])))
            opts: dict[str, str] = {}
            for o in options:
                k, _, v = o.partition(":")
                opts[k] = v
            for o in object_field(cfg, "options") or []:
                opts[object_field(o, "name")] = object_field(o, "value") or ""
            # upstream merges through a Go map (random order); we keep first-seen order
            options = [f"{k}:{v}" if v else k for k, v in opts.items()]
        return servers[:_MAX_NAMESERVERS], _fit_search(searches), options

    def resolv_conf(self, pod: Any = None) -> str:
        """``/etc/resolv.conf`` in a Pod's containers, as kubelet composes it and containerd writes it.

        ``pod`` is a Pod object, ``"namespace/name"`` or a name in any namespace; ``None`` means a plain
        ``ClusterFirst`` Pod in ``default``.

        >>> print(DNS.from_objects([]).resolv_conf(), end="")
        search default.svc.cluster.local svc.cluster.local cluster.local
        nameserver 10.96.0.10
        options ndots:5
        """
        servers, searches, options = self._resolver_config(pod)
        out = ""
        if searches:
            out += "search " + " ".join(searches) + "\n"
        if servers:
            out += "nameserver " + "\nnameserver ".join(servers) + "\n"
        if options:
            out += "options " + " ".join(options) + "\n"
        return out

    def resolve(self, name: str, rdtype: str = "A", pod: Any = None) -> DNSResult:
        """Resolve ``name`` from a Pod as glibc's ``res_search`` does with the Pod's resolv.conf.

        A name with fewer dots than ``ndots`` (5) tries each search domain first and then the name as is; a name
        with at least ``ndots`` dots goes as is first; a name ending in ``.`` is only asked as is. NXDOMAIN and
        no-data replies move on to the next candidate; the first reply with answers ends the search.
        For ``PTR`` an address may be given instead of a reverse name (like ``dig -x``).

        >>> dns = DNS.from_objects([], external={"example.com": ["93.184.215.14"]})
        >>> r = dns.resolve("example.com")
        >>> r.tried[-1], r.rcode, r.answers[0].data
        ('example.com.', 'NOERROR', '93.184.215.14')
        >>> len(r.tried)
        4
        """
        qtype = check_query(name, rdtype)
        if qtype == "PTR" and parse_ip(name.rstrip(".")) is not None:
            name = reverse_name(name.rstrip("."))
        text = self.resolv_conf(pod)
        servers, searches, options = self._resolver_config(pod)
        ndots = 1
        for o in options:
            if o.startswith("ndots:"):
                ndots = glibc_ndots(o[len("ndots:") :])
        server = servers[0] if servers else "127.0.0.1"
        ask = self._asker(server)
        dots = name.count(".")
        trailing = name.endswith(".")
        tried: list[str] = []
        responses: list[DNSResponse] = []

        def send(q: str) -> DNSResponse:
            tried.append(q)
            resp = ask(q, qtype)
            responses.append(resp)
            return resp

        def ok(resp: DNSResponse) -> bool:
            return resp.rcode == "NOERROR" and bool(resp.answer)

        def done(rcode: str) -> DNSResult:
            answers = next((r.answer for r in responses if ok(r)), [])
            return DNSResult(name, qtype, list(answers), tried, rcode, server, responses, text)

        saved: str | None = None
        tried_as_is = False
        if dots >= ndots or trailing:
            resp = send(fqdn(name))
            if ok(resp) or trailing:
                return done(resp.rcode)
            saved = resp.rcode
            tried_as_is = True
        got_nodata = False
        last = ""
        if dots == 0 or not trailing:
            for domain in searches:
                domain = domain.strip(".")
                resp = send(fqdn(f"{name}.{domain}" if domain else name))
                if ok(resp):
                    return done("NOERROR")
                last = resp.rcode
                if resp.rcode == "NOERROR":
                    got_nodata = True
                elif resp.rcode not in ("NXDOMAIN", "SERVFAIL"):
                    break
        if not tried_as_is:
            resp = send(fqdn(name))
            if ok(resp):
                return done("NOERROR")
            last = resp.rcode
        if saved is not None:
            return done(saved)
        if got_nodata:
            return done("NOERROR")
        return done(last or "NXDOMAIN")

    def nslookup(self, name: str, pod: Any = None) -> NslookupOutput:
        """``kubectl exec <pod> -- nslookup <name>`` in a Pod running the ``busybox`` image: what it prints,
        with ``.exit_code``.

        busybox's nslookup (``networking/nslookup.c``, 1.28 and later) does not use the C library's resolver. It
        reads ``search`` and ``nameserver`` from ``/etc/resolv.conf`` (``parse_resolvconf``; ``ndots`` is
        ignored) and, for a name without a dot, asks **every** search domain at once, each for A and then AAAA
        (``add_query_with_search``); a name with a dot is asked as written, with no search at all (so
        ``nslookup web.default`` gets NXDOMAIN where glibc's resolver would find ``web.default.svc...``). An
        address is asked as a PTR query. Each reply is printed as it arrives; any NXDOMAIN makes the exit status
        1, even when another search domain answered. Simplified: UDP replies arrive in an order that varies from
        run to run; the model prints them in the order busybox sends the queries.

        >>> from k8snet.api.core_v1 import Service
        >>> web = Service(metadata={"name": "web", "namespace": "default"},
        ...               spec={"clusterIP": "10.96.0.20", "clusterIPs": ["10.96.0.20"], "ports": [{"port": 80}]})
        >>> out = DNS.from_objects([web]).nslookup("web")
        >>> out.queries[:3]
        [('web.default.svc.cluster.local', 'A'), ('web.svc.cluster.local', 'A'), ('web.cluster.local', 'A')]
        >>> out.splitlines()[3:5], out.exit_code
        (['Name:\\tweb.default.svc.cluster.local', 'Address: 10.96.0.20'], 1)
        """
        servers, searches, _ = self._resolver_config(pod)
        server = servers[0] if servers else "127.0.0.1"
        ask = self._asker(server)
        bare = name.rstrip(".") if name != "." else name
        if parse_ip(bare) is not None:
            queries = [(reverse_name(bare).rstrip("."), "PTR")]
        else:
            names = [f"{name}.{d.strip('.')}" for d in searches] if searches and "." not in name else [name]
            queries = [(n, t) for t in ("A", "AAAA") for n in names]
        replies = [(n, ask(fqdn(n), t)) for n, t in queries]
        return busybox_nslookup_text(server, replies)

    def _asker(self, server: str):
        if server == self.nameserver:
            return self.query

        def upstream(q: str, t: str) -> DNSResponse:
            resp = self.forward(q, t)
            resp.server = server
            return resp

        return upstream


def _atoi(text: str) -> int:
    """C ``atoi`` as glibc has it (``(int) strtol(s, NULL, 10)``): leading spaces, a sign, decimal digits up to the
    first non-digit (none: 0); a value beyond ``long`` saturates, then the cast keeps the low 32 bits."""
    i = 0
    while i < len(text) and text[i] in " \t\n\v\f\r":
        i += 1
    neg = False
    if i < len(text) and text[i] in "+-":
        neg = text[i] == "-"
        i += 1
    j = i
    while j < len(text) and "0" <= text[j] <= "9":
        j += 1
    value = int(text[i:j]) if j > i else 0
    value = -value if neg else value
    value = max(-(2**63), min(2**63 - 1, value))  # strtol's LONG_MIN/LONG_MAX
    value &= 0xFFFFFFFF
    return value - 2**32 if value >= 2**31 else value


def glibc_ndots(value: str) -> int:
    """The ``ndots`` glibc reads from ``options ndots:<value>`` (resolv/res_init.c ``res_setoptions``:
    ``atoi``, capped at ``RES_MAXNDOTS`` 15, stored in the 4-bit ``ndots`` field of ``struct __res_state``):
    ``abc`` is 0, ``-1`` wraps to 15, ``99`` is 15.

    >>> glibc_ndots("5"), glibc_ndots("abc"), glibc_ndots(""), glibc_ndots("2x"), glibc_ndots("-1"), glibc_ndots("99")
    (5, 0, 0, 2, 15, 15)
    """
    n = _atoi(value)
    return n & 0xF if n <= 15 else 15


def _fit_search(searches: list[str]) -> list[str]:
    # dns.go formDNSSearchFitsLimits (ExpandedDNSConfig is GA: 32 paths, 2048 characters)
    out = [s for s in searches[:_MAX_SEARCH_PATHS] if len(s) <= 253]
    while out and len(" ".join(out)) > _MAX_SEARCH_CHARS:
        out.pop()
    return out
