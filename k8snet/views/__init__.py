"""Views: the only package that touches graphviz and ipywidgets (imported inside the functions that use them).

* :mod:`k8snet.views.graphviz`: the one palette and graph style, SVG output, :func:`show` in a notebook, and
  the diagrams of Service types and of a cluster's topology;
* :mod:`k8snet.views.flow`: where traffic goes, drawn (a packet trace, a load balancer's shares, NodePorts);
* :mod:`k8snet.views.explorer`: explorers that work on the static site (precomputed, switched in the browser)
  and in a live kernel (recomputed in Python);
* :mod:`k8snet.views.lessons` and :mod:`k8snet.views.traffic`: the chapters' explorers and diagrams.

The model does not know it is drawn: importing this package in IPython registers display formatters, so a
:class:`~k8snet.sim.trace.Trace` or a :class:`~k8snet.sim.whatif.WhatIf` left at the end of a cell shows as its
diagram (:func:`k8snet.views.flow.register_display_formatters`).
"""

from k8snet.views.explorer import REGISTRY, Explorer, Outcome, explorer_from_marker, register
from k8snet.views.flow import register_display_formatters
from k8snet.views.graphviz import inline_svg, show

__all__ = [
    "Explorer",
    "Outcome",
    "REGISTRY",
    "register",
    "explorer_from_marker",
    "inline_svg",
    "show",
    "register_display_formatters",
]

register_display_formatters()
