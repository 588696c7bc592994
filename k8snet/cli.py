"""The ``k8snet`` command line.

Subcommands come from the component that owns them (``k8snet.proxy.cli`` adds ``kube-proxy``, ``k8snet.sim.cli``
adds ``trace``, ``simulate`` and ``explain``), so this file only wires them together.

>>> main(["--version"])
k8snet 0.1.0 (models Kubernetes v1.34)
0
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from . import KUBERNETES_VERSION, __version__
from .errors import K8snetError
from .proxy.cli import quiet_broken_pipe

__all__ = ["main", "build_parser"]

#: Modules that contribute subcommands through ``register(subparsers)``.
SUBCOMMAND_MODULES = ("k8snet.proxy.cli", "k8snet.sim.cli")


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every available subcommand."""
    parser = argparse.ArgumentParser(
        prog="k8snet", description=f"Kubernetes {KUBERNETES_VERSION} Service networking, executed."
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (1 with kubectl-style text on stderr for a k8snet error)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        print(f"k8snet {__version__} (models Kubernetes {KUBERNETES_VERSION})")
        return 0
    if not getattr(args, "func", None):
        parser.print_help()
        return 2

    def go() -> int:
        try:
            return int(args.func(args) or 0)
        except K8snetError as exc:
            print(
                f"error: {exc}" if not str(exc).startswith(("error", "Error", "The ")) else str(exc),
                file=sys.stderr,
            )
            return 1

    return quiet_broken_pipe(go)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
