"""Reading what a user pastes: bytes to text (refusing binary and oversized input), and each line sorted into the
output it comes from (``iptables-save``/``-S``/fragments, ``iptables -L``, ``nft``, ``ipvsadm``, ``ipset``).

Pastes carry more than the tool's output: shell prompts and the command (``root@kind-worker:/# iptables -t nat
-S``, whose ``-t nat`` tells the table), Markdown code fences, ``grep -n`` line numbers, indentation. These are
recognised and set aside; a command line's ``-t TABLE`` becomes the table of the lines after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from k8snet.dataplane.explain.model import ExplainInputError

__all__ = ["MAX_INPUT_BYTES", "decode_input", "Sections", "split_sections"]

#: The largest input ``explain`` reads (64 MiB: the iptables-save of roughly 10,000 Services with 10 endpoints
#: each is about 60 MB); larger input is refused with a clear error instead of filling memory.
MAX_INPUT_BYTES = 64 * 1024 * 1024

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")


def decode_input(data: bytes | str, max_bytes: int = MAX_INPUT_BYTES) -> str:
    """The text of ``data``; :class:`~k8snet.dataplane.explain.model.ExplainInputError` for binary or too large.

    >>> decode_input(b"*nat\\nCOMMIT\\n")
    '*nat\\nCOMMIT\\n'
    >>> decode_input(b"\\x7fELF\\x02\\x01\\x01\\x00\\x00")
    Traceback (most recent call last):
    ...
    k8snet.dataplane.explain.model.ExplainInputError: error: the input is binary (it contains NUL bytes); \
explain reads the text printed by iptables-save, iptables -S/-L, nft list or ipvsadm
    """
    size = len(data.encode("utf-8", "surrogatepass")) if isinstance(data, str) else len(data)
    if size > max_bytes:
        raise ExplainInputError(
            f"the input is larger than {max_bytes} bytes; explain reads at most that much"
        )
    if isinstance(data, bytes):
        if b"\x00" in data:
            raise ExplainInputError(_binary("it contains NUL bytes"))
        text = data.decode("utf-8", errors="replace")
        bad = text.count("\ufffd")
        if bad and bad * 100 > len(text):
            raise ExplainInputError(_binary("it is not UTF-8 text"))
    else:
        text = data
        if "\x00" in text:
            raise ExplainInputError(_binary("it contains NUL bytes"))
    controls = len(_CONTROL.findall(text[:65536]))
    if controls and controls * 20 > min(len(text), 65536):
        raise ExplainInputError(_binary("it is mostly control characters"))
    return text


def _binary(why: str) -> str:
    return (
        f"the input is binary ({why}); explain reads the text printed by iptables-save, iptables -S/-L, "
        "nft list or ipvsadm"
    )


# --- sorting lines into sections -------------------------------------------------------------------------------

_PROMPT = r"(?:[\w@.:~/\-\[\] ]*[$#>]\s+)?"
_WRAP = r"(?:sudo\s+(?:-\S+\s+)*)?(?:(?:docker|crictl|nerdctl|podman)\s+exec\s+(?:-\S+\s+)*\S+\s+)?"
_WRAP += r"(?:kubectl\s+exec\s+.*?\s--\s+)?(?:sudo\s+)?"
_TOOLS = r"(ip6?tables(?:-legacy|-nft)?(?:-save)?|nft|ipvsadm(?:-save)?|ipset)"
_COMMAND = re.compile(rf"^{_PROMPT}{_WRAP}{_TOOLS}(?:\s+(.*))?$")
_IPT_RULE_COMMAND = re.compile(r"(?:^|\s)-[AINP]\s+\S+")

_SAVE_TABLE = re.compile(r"^\*\w+$")
_SAVE_DECL = re.compile(r"^:\S+\s+\S+(?:\s+\[\d+:\d+\])?$")
_SAVE_RULE = re.compile(r"^(?:\[\d+:\d+\]\s+)?-[AINPRDX]\s+(\S+)")
_IPVS_SAVE = re.compile(r"^-[AaEe]\s+(?:-[tuf]|--sctp-service)\s")
_L_CHAIN = re.compile(r"^Chain\s+\S+\s+\((?:policy\s|\d+\s+references?\))")
_L_HEADER = re.compile(r"^(?:num\s+)?(?:pkts\s+bytes\s+)?target\s+prot\s+opt\b")
_L_ROW = re.compile(r"^(?:\d+\s+)?(?:[\d.]+[KMGT]?\s+[\d.]+[KMGT]?\s+)?(?:\S+\s+)?\S+\s+(?:--|-f|!f)\s")
_NFT_TABLE = re.compile(r"^table\s+(?:(?:ip|ip6|inet|arp|bridge|netdev)\s+)?\S+\s*\{$")
_NFT_CMD = re.compile(
    r"^(?:add|insert|create|flush|delete|destroy|replace)\s+(?:table|chain|rule|set|map|element)\s"
)
_IPVS = re.compile(
    r"^(?:IP Virtual Server version|Prot LocalAddress:Port|->\s|(?:TCP|UDP|SCTP)\s+\S+:\S+(?:\s|$)|(?:TCP|UDP|SCTP) {2}\S+ [a-z]+"
    r"|FWM\s+\d+\s)"
)
_IPSET_START = re.compile(r"^Name:\s+\S+$")
_IPSET_SAVE = re.compile(r"^(?:create\s+\S+\s+(?:hash|bitmap|list):\S*|add\s+\S+\s+\S+)")
_IPSET_FIELD = re.compile(r"^(?:Type|Revision|Header|Size in memory|References|Number of entries|Members):")
_GREP_N = re.compile(r"^(?:[\w./-]+:)?\d+[:-](?=[-:*\[#C])")
_FENCE = re.compile(r"^(?:```|~~~)")
_HANDLE = re.compile(r"\s*# handle \d+\s*$")


@dataclass
class Sections:
    """Numbered lines per family (``iptables``, ``iptables -L``, ``nft``, ``ipvsadm``, ``ipset``), the lines
    that belong to none (``unknown``), the commands seen and the table a command named for the lines after it."""

    lines: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    unknown: list[tuple[int, str]] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    tables: dict[str, str] = field(default_factory=dict)  # family -> table named by a command's -t

    def add(self, family: str, lineno: int, line: str) -> None:
        self.lines.setdefault(family, []).append((lineno, line))


def _classify(line: str) -> str | None:
    if _SAVE_TABLE.match(line) or line == "COMMIT" or _SAVE_DECL.match(line):
        return "iptables"
    if _IPVS_SAVE.match(line):
        return "ipvsadm"
    if _SAVE_RULE.match(line):
        return "iptables"
    if _L_CHAIN.match(line) or _L_HEADER.match(line):
        return "iptables -L"
    if _NFT_TABLE.match(line) or _NFT_CMD.match(line):
        return "nft"
    if _IPVS.match(line):
        return "ipvsadm"
    if _IPSET_START.match(line) or _IPSET_SAVE.match(line):
        return "ipset"
    return None


def split_sections(text: str) -> Sections:
    """Sort the lines of ``text`` by the tool that printed them.

    >>> s = split_sections('''$ sudo iptables -t nat -S | grep KUBE-SEP
    ... -A KUBE-SEP-AAA -p tcp -m tcp -j DNAT --to-destination 10.244.1.3:80
    ... ```''')
    >>> s.lines["iptables"], s.commands, s.tables
    ([(2, '-A KUBE-SEP-AAA -p tcp -m tcp -j DNAT --to-destination 10.244.1.3:80')], ['sudo iptables -t nat -S | grep KUBE-SEP'], {'iptables': 'nat'})
    """
    out = Sections()
    state: str | None = None
    depth = 0
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = _HANDLE.sub("", raw).strip()  # "nft -a" appends "# handle N"
        if state == "nft":
            if line:
                out.add("nft", lineno, raw)
                depth += line.count("{") - line.count("}")
                if depth <= 0:
                    state = None
            continue
        if not line:
            if state in ("iptables -L", "ipset"):
                state = None if state == "iptables -L" else state
            continue
        if _FENCE.match(line) or line.startswith("#") and not _COMMAND.match(line):
            continue
        cm = _COMMAND.match(line)
        if cm and "tables" in cm.group(1) and _IPT_RULE_COMMAND.search(cm.group(2) or ""):
            # a rule written as a whole command: "iptables -t nat -A KUBE-SVC-... -j KUBE-SEP-..."
            out.add("iptables", lineno, line[cm.start(1) :])
            continue
        if cm:
            out.commands.append(re.sub(r"^[\w@.:~/\-\[\] ]*[$#>]\s+", "", line))
            args = cm.group(2) or ""
            tm = re.search(r"(?:-t\s*|--table[= ])(\w+)", args)
            if "tables" in cm.group(1):
                listed = "iptables -L" if re.search(r"(?:^|\s)-\w*L|--list(?:\s|$)", args) else "iptables"
                if tm:
                    out.tables[listed] = tm.group(1)
                elif listed == "iptables -L" or re.search(r"(?:^|\s)-S|--list-rules", args):
                    out.tables[listed] = "filter"
            state = None
            continue
        if state == "iptables -L":
            if _L_ROW.match(line) and not _L_CHAIN.match(line):
                out.add("iptables -L", lineno, line)
                continue
            state = None
        if state == "ipset":
            if _IPSET_FIELD.match(line) or not _classify(line):
                out.add("ipset", lineno, line)
                continue
            state = None
        family = _classify(line)
        if family is None:
            stripped = _GREP_N.sub("", line, count=1)
            if stripped != line and _classify(stripped) == "iptables":
                line, family = stripped, "iptables"
        if family is None:
            out.unknown.append((lineno, line))
            continue
        if family == "nft" and _NFT_TABLE.match(line):
            state, depth = "nft", 1
            out.add("nft", lineno, raw)
            continue
        if family == "iptables -L":
            state = "iptables -L"
        if family == "ipset" and _IPSET_START.match(line):
            state = "ipset"
        out.add(family, lineno, line if family != "nft" else raw)
    return out
