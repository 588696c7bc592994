"""Rule text formats shared by the proxy (which writes them) and the dataplane (which reads them).

``linebuffer`` is the writer's buffer (a port of kubernetes/kubernetes ``pkg/proxy/util/linebuffer.go``);
``iptables`` parses ``iptables-restore`` text. Nothing here imports from the rest of k8snet.
"""
