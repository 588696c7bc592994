"""kubectl v1.34 as text: ``get`` tables, ``describe``, and a command-line front end for a simulated cluster.

* :func:`get_table`, :func:`to_yaml`, :func:`to_json`, :func:`print_names`: ``kubectl get`` output for any
  objects (pure functions; pass ``now`` for the AGE column);
* :func:`describe`: ``kubectl describe`` for Service, Endpoints, EndpointSlice, Pod and Deployment;
* :func:`run`: a whole command line against a :class:`~k8snet.sim.Cluster` (``cluster.kubectl`` calls it;
  :mod:`k8snet.notebook` offers it as the ``%kubectl`` and ``%%kubectl_apply`` magics);
* :mod:`k8snet.kubectl.apply`: ``kubectl apply -f`` / ``create -f`` object by object, with kubectl's report of
  what was written and what failed (``Cluster.apply`` uses it too);
* :mod:`k8snet.kubectl.jsonpath`: ``-o jsonpath=...`` and ``-o custom-columns=...``;
* :mod:`k8snet.kubectl.rollout`: ``kubectl rollout restart|status|history`` (``status`` advances the simulated clock).

>>> from k8snet.kubectl import human_duration
>>> human_duration(7), human_duration(24 * 3600)
('7s', '24h')
"""

from .age import human_duration, short_human_duration
from .command import KubectlOutput, run
from .describe import describe
from .printers import get_table, print_names, to_json, to_yaml
from .rollout import rollout  # registers the `rollout` command (kubectl rollout restart|status|history)

__all__ = [
    "describe",
    "get_table",
    "print_names",
    "to_json",
    "to_yaml",
    "run",
    "rollout",
    "KubectlOutput",
    "human_duration",
    "short_human_duration",
]
