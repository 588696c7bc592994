"""Go's elastic-tabstop writer, as kubectl lays out tables and ``describe`` output.

A port of Go's ``text/tabwriter`` (used by kubectl ``describe``: ``tabbedString`` in kubernetes/kubectl
``pkg/describe/describe.go`` initialises it with minwidth 0, tabwidth 8, padding 2, padchar ``' '``) and of its
fork github.com/liggitt/tabwriter (``tabwriter.go``), which adds ``RememberWidths`` and which ``kubectl get``
uses through ``printers.GetNewTabWriter`` (cli-runtime: minwidth 6, tabwidth 4, padding 3, ``' '``,
RememberWidths).

The rules that shape the output:

* cells are *terminated* by a tab; the text after the last tab of a line is not part of a column, so it is
  never padded (no trailing blanks after the last column);
* a column is a run of consecutive lines that all have a cell in it; its width is the widest cell plus
  ``padding``, at least ``minwidth``;
* a line with no tab at all flushes the writer: columns above it and below it are laid out separately;
* with ``remember_widths`` a column never gets narrower than it was before a flush.

Simplified: only space padding, left alignment, no HTML filtering or escapes (kubectl uses none of them).

>>> w = TabWriter(minwidth=6, tabwidth=4, padding=3, remember_widths=True)
>>> w.write("NAME\\tTYPE\\tAGE\\nkubernetes\\tClusterIP\\t1d\\n")
>>> print(w.flush(), end="")
NAME         TYPE        AGE
kubernetes   ClusterIP   1d
"""

from __future__ import annotations

import re

__all__ = ["TabWriter", "kubectl_get_writer", "describe_writer"]

_SPLIT = re.compile(r"([\t\v\n\f])")


class TabWriter:
    """Buffer text with tab-terminated cells; :meth:`flush` returns the aligned text written so far."""

    def __init__(self, minwidth: int, tabwidth: int, padding: int, padchar: str = " ", remember_widths=False):
        self.minwidth = minwidth
        self.tabwidth = tabwidth
        self.padding = padding
        self.padchar = padchar
        self.remember_widths = remember_widths
        self.maxwidths: list[int] = []
        self._out: list[str] = []
        self._reset()

    def _reset(self) -> None:
        self.lines: list[list[str]] = [[]]
        self.cell = ""
        self.widths: list[int] = []

    def set_remembered_widths(self, widths: list[int] | None) -> None:
        """``SetRememberedWidths``: kubectl get resets them between resource types."""
        self.maxwidths = list(widths or [])

    def write(self, text: str) -> None:
        for part in _SPLIT.split(text):
            if part in ("\t", "\v"):
                self.lines[-1].append(self.cell)
                self.cell = ""
            elif part in ("\n", "\f"):
                self.lines[-1].append(self.cell)
                self.cell = ""
                ncells = len(self.lines[-1])
                self.lines.append([])
                # A line with a single cell cannot affect the layout of what follows: Go flushes here.
                if part == "\f" or ncells == 1:
                    self._flush_internal()
            else:
                self.cell += part

    def _flush_internal(self) -> None:
        if self.cell:
            self.lines[-1].append(self.cell)
            self.cell = ""
        self._format(0, len(self.lines))
        self._reset()

    def flush(self) -> str:
        """Lay out everything buffered and return all output produced since the last :meth:`flush`."""
        self._flush_internal()
        out = "".join(self._out)
        self._out = []
        return out

    # --- the elastic tabstop algorithm (Writer.format / Writer.writeLines) ---

    def _write_lines(self, line0: int, line1: int) -> None:
        out = self._out
        for i in range(line0, line1):
            line = self.lines[i]
            for j, c in enumerate(line):
                out.append(c)
                if j < len(self.widths):
                    out.append(self.padchar * (self.widths[j] - len(c)))
            if i + 1 == len(self.lines):
                out.append(self.cell)  # last buffered line: no newline, only the incomplete cell
            else:
                out.append("\n")

    def _format(self, line0: int, line1: int) -> None:
        column = len(self.widths)
        this = line0
        while this < line1:
            line = self.lines[this]
            if column >= len(line) - 1:
                this += 1
                continue
            # a cell exists in this column: print the lines above, then lay out the block
            self._write_lines(line0, this)
            line0 = this
            width = self.minwidth
            while this < line1:
                line = self.lines[this]
                if column >= len(line) - 1:
                    break
                width = max(width, len(line[column]) + self.padding)
                this += 1
            if self.remember_widths:
                if len(self.maxwidths) < len(self.widths):
                    self.maxwidths.extend(self.widths[len(self.maxwidths) :])
                if len(self.maxwidths) == len(self.widths):
                    self.maxwidths.append(width)
                elif self.maxwidths[len(self.widths)] > width:
                    width = self.maxwidths[len(self.widths)]
                elif self.maxwidths[len(self.widths)] < width:
                    self.maxwidths[len(self.widths)] = width
            self.widths.append(width)
            self._format(line0, this)
            self.widths.pop()
            line0 = this
        self._write_lines(line0, line1)


def kubectl_get_writer() -> TabWriter:
    """``printers.GetNewTabWriter`` (cli-runtime ``pkg/printers/tabwriter.go``): 6, 4, 3, ``' '``, RememberWidths."""
    return TabWriter(minwidth=6, tabwidth=4, padding=3, padchar=" ", remember_widths=True)


def describe_writer() -> TabWriter:
    """``tabbedString`` in kubectl ``pkg/describe/describe.go``: ``out.Init(buf, 0, 8, 2, ' ', 0)``."""
    return TabWriter(minwidth=0, tabwidth=8, padding=2, padchar=" ")
