"""Views: the only package that touches graphviz and ipywidgets (imported inside the functions that use them).

:mod:`k8snet.views.explorer` builds explorers that work on the static site (precomputed, switched in the
browser) and in a live kernel (recomputed in Python).
"""

from k8snet.views.explorer import REGISTRY, Explorer, Outcome, explorer_from_marker, inline_svg, register

__all__ = ["Explorer", "Outcome", "REGISTRY", "register", "explorer_from_marker", "inline_svg"]
