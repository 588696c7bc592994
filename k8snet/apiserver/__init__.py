"""kube-apiserver stand-in: the request path of :mod:`~k8snet.apiserver.server` over the object store
(:mod:`~k8snet.apiserver.store`), with defaulting, admission, validation, allocation of ClusterIPs and NodePorts,
warnings, and :mod:`~k8snet.apiserver.naming` (``generateName`` and random name suffixes)."""
