"""The inline literals of a book message that every translation must keep exactly.

A translated message may reword everything except what the reader types, reads in a terminal or follows: code
spans (backticked names, field names, commands), the targets of MyST roles (``{doc}`text <target>``` keeps
``target``; ``{cite:p}`keys``` keeps ``keys``; the text of a ``{doc}`` may be translated), link targets and bare
URLs, and numbers written with digits outside those (addresses, ports, counts, section numbers).

>>> sorted(literals("Run `make book` in {doc}`chapter 2 <02-clusterip>` on port 30000 ([docs](https://k8s.io/x))."))
['`make book`', 'https://k8s.io/x', 'number 30000', 'role {doc} 02-clusterip']
>>> missing_literals("Port `80` of 10.4.0.3", "端口 `80`，地址 10.4.0.3")
[]
>>> missing_literals("Port `80` of 10.4.0.3", "端口 80，地址 10.4.0.3")
['`80`']
"""

from __future__ import annotations

import re

ROLE = re.compile(r"\{(?P<role>[\w:.-]+)\}`(?P<body>[^`]*)`")
CODE = re.compile(r"(?P<ticks>`+)(?P<code>.+?)(?P=ticks)", re.S)
LINK = re.compile(r"\]\((?P<url>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
URL = re.compile(r"https?://[^\s)>\]`\"'，。；：、）]+")
#: A number written with digits, not part of a word (``v1.34``, ``IPv4``, ``KUBE-SVC-ABC1`` are not numbers).
NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,:]\d+)*(?![\w])")


def _role_target(role: str, body: str) -> str:
    if role in ("doc", "ref", "numref", "download", "term"):
        m = re.fullmatch(r"(?s).*<(?P<target>[^<>]+)>\s*", body)
        return (m.group("target") if m else body).strip()
    return body.strip()


def literals(message: str) -> set[str]:
    """Every literal of ``message`` a translation must contain (see the module docstring)."""
    found: set[str] = set()
    rest = message
    for m in ROLE.finditer(message):
        found.add(f"role {{{m.group('role')}}} {_role_target(m.group('role'), m.group('body'))}")
    rest = ROLE.sub(" ", rest)
    for m in CODE.finditer(rest):
        found.add(f"`{m.group('code')}`")
    rest = CODE.sub(" ", rest)
    for m in LINK.finditer(rest):
        found.add(m.group("url"))
    rest = LINK.sub("] ", rest)
    for m in URL.finditer(rest):
        found.add(m.group(0).rstrip(".,;:"))
    rest = URL.sub(" ", rest)
    for m in NUMBER.finditer(rest):
        found.add(f"number {m.group(0).rstrip('.,:')}")
    return found


def missing_literals(source: str, translation: str) -> list[str]:
    """The literals of ``source`` that ``translation`` lacks (a code span must stay a code span)."""
    return sorted(literals(source) - literals(translation))
