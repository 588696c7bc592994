"""Helpers shared by several test modules, importable as ``helpers``: pytest's ``pythonpath`` setting puts
``tests/`` on the path, so no test module is loaded by file path and none edits ``sys.path``.

- :mod:`helpers.dataplane`: upstream's test addresses and a ``tracePacket``-style trace over the dataplane fixtures;
- :mod:`helpers.iptables_golden`: upstream's iptables golden-test helpers (``sortIPTablesRules`` and friends).

``tests/conftest.py`` has pytest rewrite their ``assert`` statements, as it does in test modules.
"""
