"""The short lines chapters print around the model's output ("allocated nodePort: 30542"), in the reader's
language.

A chapter's code cell that printed ``print("allocated nodePort:", port)`` would print English in every edition
(code cells are not translated); it prints ``phrase("allocated-nodeport", port=port)`` instead, and the words
come from the library's catalog (:mod:`k8snet.i18n`). What a value says stays as the model or the real tool
writes it: a trace's verdict, a rule, a node's name, a field's name (``nodePort``, ``ipMode``).

Longer output has its own view function next to the explorer of its chapter (:mod:`k8snet.views.connections`,
:mod:`k8snet.views.scaling`, :mod:`k8snet.views.steering`).

>>> phrase("allocated-nodeport", port=30542)
'allocated nodePort: 30542'
>>> print(phrase("runs-on", pod="nginx", node="kind-worker"))
nginx runs on kind-worker
"""

from __future__ import annotations

from typing import Any

from k8snet.errors import K8snetError
from k8snet.i18n import N_, _

__all__ = ["PHRASES", "phrase"]

#: Every phrase by key, in English (the catalog translates them where they are shown).
PHRASES = {
    # 02-clusterip: a cached Pod address against the Service's ClusterIP (the two verdicts line up)
    "cached-pod-address": N_("cached Pod address: {verdict}"),
    "via-clusterip": N_("ClusterIP:          {verdict}"),
    # 03-nodeport: the port the API server allocated
    "allocated-nodeport": N_("allocated nodePort: {port}"),
    # 04-loadbalancer: kubectl's warnings (stderr), and what kube-proxy does for an ingress's ipMode
    "warnings": N_("warnings: {warnings}"),
    "ipmode": N_("ipMode: {mode}\n  first matching rule: {rule}\n  {verdict}\n"),
    "no-rule-for": N_("(no rule for {address})"),
    # 08-errata, 12-troubleshooting: where a Pod was scheduled
    "runs-on": N_("{pod} runs on {node}"),
    # 08-errata: a Service with one endpoint has no random choice in its rules
    "no-choice": N_("(one endpoint: no choice to make)"),
}


def phrase(key: str, **values: Any) -> str:
    """The phrase ``key`` of :data:`PHRASES` in the reader's language, filled with ``values``.

    >>> phrase("warnings", warnings=repr(""))
    "warnings: ''"
    >>> phrase("nonsense")
    Traceback (most recent call last):
    ...
    k8snet.errors.K8snetError: phrase 'nonsense': no such phrase (known: allocated-nodeport, cached-pod-address, ipmode, no-choice, no-rule-for, runs-on, via-clusterip, warnings)
    """
    if key not in PHRASES:
        raise K8snetError(f"phrase {key!r}: no such phrase (known: {', '.join(sorted(PHRASES))})")
    try:
        return _(PHRASES[key]).format(**values)
    except KeyError as missing:
        raise K8snetError(f"phrase {key!r} needs a value for {missing}") from None
