"""Suite-wide test setup."""

import os

import pytest

# client-go's cache mutation detector: every store keeps a copy of what it stored and the cluster's reconcile
# checks nothing changed it in place (k8snet.apiserver.store.Store.check_mutations)
os.environ.setdefault("KUBE_CACHE_MUTATION_DETECTOR", "true")

# The shared helpers (tests/helpers) assert like test code does: rewrite them so failures show both sides.
pytest.register_assert_rewrite("helpers")
