"""Rule text formats shared by the proxy (which writes them) and the dataplane (which reads them).

``linebuffer`` is the writer's buffer (a port of kubernetes/kubernetes ``pkg/proxy/util/linebuffer.go``);
``iptables`` parses ``iptables-restore``/``iptables-save`` text; the ``nftables`` package models nftables
objects, parses and writes the ``nft -f`` dump format and renders the ``nft list`` layout; ``ipvs`` models IPVS
virtual servers and ipsets with their ``ipvsadm -Ln`` and ``ipset list`` renderings. Nothing here imports from
the rest of k8snet.
"""
