"""Suite-wide test setup."""

import pytest

# The shared helpers (tests/helpers) assert like test code does: rewrite them so failures show both sides.
pytest.register_assert_rewrite("helpers")
