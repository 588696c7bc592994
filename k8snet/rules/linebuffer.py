"""A line-oriented text buffer for ``iptables-restore`` input.

Port of kubernetes/kubernetes ``pkg/proxy/util/linebuffer.go`` (v1.34): ``write(*words)`` joins its arguments
with single spaces into one line, a list argument contributing its items as further words, and counts lines.
:class:`DiscardLineBuffer` only counts, as kube-proxy's partial syncs use it for chains they skip.

>>> buf = LineBuffer()
>>> buf.write("-A", "KUBE-MARK-MASQ", ["-j", "MARK"], "--or-mark", "0x4000")
>>> buf.write(make_chain_line("KUBE-SERVICES"))
>>> print(buf, end="")
-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000
:KUBE-SERVICES - [0:0]
>>> buf.lines
2
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["LineBuffer", "DiscardLineBuffer", "make_chain_line"]

Word = str | Sequence[str]


def make_chain_line(chain: str) -> str:
    """The ``iptables-save`` chain line for a custom chain (``MakeChainLine`` in pkg/util/iptables/save.go).

    >>> make_chain_line("KUBE-NODEPORTS")
    ':KUBE-NODEPORTS - [0:0]'
    """
    return f":{chain} - [0:0]"


class LineBuffer:
    """Accumulates lines; ``str(buf)`` is the text, each line ending in ``\\n``."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self.lines = 0

    def write(self, *args: Word) -> None:
        """Write one line made of ``args`` separated by spaces (``LineBuffer.Write``).

        As in Go, every argument after the first is preceded by a space, even an empty list, and the items
        of a list argument are separated by spaces.
        """
        out: list[str] = []
        for i, arg in enumerate(args):
            if i > 0:
                out.append(" ")
            if isinstance(arg, str):
                out.append(arg)
            else:
                out.append(" ".join(arg))
        self._parts.append("".join(out) + "\n")
        self.lines += 1

    def write_bytes(self, text: str) -> None:
        """Append one pre-formatted line (``WriteBytes``); a newline is added."""
        self._parts.append(text + "\n")
        self.lines += 1

    def reset(self) -> None:
        self._parts.clear()
        self.lines = 0

    def __str__(self) -> str:
        return "".join(self._parts)


class DiscardLineBuffer(LineBuffer):
    """Counts lines but keeps no text (``NewDiscardLineBuffer``).

    >>> d = DiscardLineBuffer(); d.write("-A", "X"); (str(d), d.lines)
    ('', 1)
    """

    def write(self, *args: Word) -> None:
        self.lines += 1

    def write_bytes(self, text: str) -> None:
        self.lines += 1
