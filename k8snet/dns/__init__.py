"""Cluster DNS: CoreDNS as kubeadm 1.34 deploys it, a Pod's resolver, and the text dig and nslookup print.

==============  ==========================================================================================
``names``       DNS names and the addresses in them: fully qualified names, ``in-addr.arpa``/``ip6.arpa``
``output``      dig's and nslookup's text for a reply and for a Pod's lookup
``server``      CoreDNS (:class:`~k8snet.dns.server.CoreDNS`): the Corefile's ``kubernetes`` plugin over the
                cluster's Services and EndpointSlices and ``forward`` for other names; records and replies
``resolver``    a Pod's side (:class:`~k8snet.dns.resolver.DNS`, CoreDNS plus the Pod's resolver): the
                resolv.conf kubelet writes, and glibc's walk of the search list with ``ndots:5``
==============  ==========================================================================================

DNS is not a controller: it writes nothing, it only reads Services, EndpointSlices, Pods and Namespaces. In
the layer order it sits above the controllers and below kube-proxy, and imports nothing from ``proxy``,
``kubectl``, ``sim`` or ``views``. :attr:`k8snet.sim.cluster.Cluster.dns` is a :class:`DNS` over the cluster.

>>> from k8snet.api.core_v1 import Service
>>> dns = DNS.from_objects([Service(metadata={"name": "web", "namespace": "default"},
...                                 spec={"clusterIP": "10.96.0.20", "ports": [{"port": 80}]})])
>>> print(dns.resolv_conf(), end="")
search default.svc.cluster.local svc.cluster.local cluster.local
nameserver 10.96.0.10
options ndots:5
>>> r = dns.resolve("web")
>>> r.tried, r.answers[0].data
(['web.default.svc.cluster.local.'], '10.96.0.20')
"""

from .names import reverse_name
from .resolver import DNS, DNSResult
from .server import DNS_SCHEMA_VERSION, CoreDNS, DNSResponse, Record

__all__ = ["DNS", "CoreDNS", "DNSResult", "DNSResponse", "Record", "reverse_name", "DNS_SCHEMA_VERSION"]
