"""Which options of iptables' match and target extensions take an argument.

An ``iptables-save`` line is a list of words; whether the word after ``--checksum-fill`` is that option's value or
the next option depends on the extension's option table. Each extension declares it in iptables' sources
(``extensions/libxt_*.c``, ``libipt_*.c``, ``libip6t_*.c``): entries of ``struct xt_option_entry`` with
``.type = XTTYPE_NONE`` take no argument (``{.name = "checksum-fill", .type = XTTYPE_NONE}`` in
``libxt_CHECKSUM.c``, ``"notrack"`` in ``libxt_CT.c``, ``"clamp-mss-to-pmtu"`` in ``libxt_TCPMSS.c``,
``"set"``/``"rcheck"``/``"update"``/``"remove"``/``"reap"``/``"rttl"``/``"rsource"``/``"rdest"`` in
``libxt_recent.c``), every other type one; a few older-style extensions read a second word themselves
(``--tcp-flags MASK COMP`` in ``libxt_tcp.c``, ``--match-set NAME FLAGS`` in ``libxt_set.c``, ``--add-set``/
``--del-set``/``--map-set`` in ``libxt_SET.c``).

The tables below list, per extension, the options that take no argument and those that take two; any other
option takes one. They cover the extensions shipped with iptables 1.8 that appear on Kubernetes nodes (kube-proxy,
CNI plugins, Docker, libvirt, firewalld, Calico, Cilium's iptables mode); an extension not listed is read with the
rule that a word starting with ``-`` is an option, anything else a value.

>>> option_arity("CHECKSUM", "--checksum-fill"), option_arity("DNAT", "--to-destination")
(0, 1)
>>> option_arity("tcp", "--tcp-flags"), option_arity("set", "--match-set"), option_arity(None, "--syn")
(2, 2, 0)
"""

from __future__ import annotations

__all__ = ["NO_ARGUMENT", "TWO_ARGUMENTS", "option_arity"]

#: Options with ``XTTYPE_NONE`` (no argument), per extension name (matches lower case, targets upper case).
NO_ARGUMENT: dict[str, frozenset[str]] = {
    name: frozenset(opts)
    for name, opts in {
        # targets
        "CHECKSUM": ("--checksum-fill",),
        "CT": ("--notrack",),
        "TCPMSS": ("--clamp-mss-to-pmtu",),
        "DNAT": ("--random", "--random-fully", "--persistent"),
        "SNAT": ("--random", "--random-fully", "--persistent"),
        "MASQUERADE": ("--random", "--random-fully"),
        "REDIRECT": ("--random",),
        "NETMAP": (),
        "LOG": (
            "--log-tcp-sequence",
            "--log-tcp-options",
            "--log-ip-options",
            "--log-uid",
            "--log-macdecode",
        ),
        "NFQUEUE": ("--queue-bypass", "--fail-open", "--queue-cpu-fanout"),
        "CONNMARK": ("--save-mark", "--restore-mark"),
        "CONNSECMARK": ("--save", "--restore"),
        "SET": ("--exist",),
        "ECN": ("--ecn-tcp-remove",),
        "SYNPROXY": ("--sack-perm", "--timestamp", "--ecn"),
        "TPROXY": (),
        "TRACE": (),
        "NOTRACK": (),
        "IDLETIMER": (),
        # matches
        "tcp": ("--syn",),
        "recent": ("--set", "--rcheck", "--update", "--remove", "--reap", "--rttl", "--rsource", "--rdest"),
        "addrtype": ("--limit-iface-in", "--limit-iface-out"),
        "physdev": ("--physdev-is-in", "--physdev-is-out", "--physdev-is-bridged"),
        "socket": ("--transparent", "--nowildcard", "--restore-skmark"),
        "rpfilter": ("--loose", "--validmark", "--accept-local", "--invert"),
        "set": ("--return-nomatch", "--update-counters", "--update-subcounters"),
        "owner": ("--socket-exists", "--suppl-groups"),
        "policy": ("--strict", "--next"),
        "connlimit": ("--connlimit-saddr", "--connlimit-daddr"),
        "connlabel": ("--set",),
        "string": ("--icase",),
        "time": ("--kerneltz", "--localtz", "--contiguous"),
        "ecn": ("--ecn-tcp-cwr", "--ecn-tcp-ece"),
        "ipvs": ("--ipvs",),
        "ipv6header": ("--soft",),
        "frag": ("--fragres", "--fragfirst", "--fragmore", "--fraglast"),
        "hbh": (),
        "conntrack": (),
        "comment": (),
        "mark": (),
        "multiport": (),
        "statistic": (),
        "nfacct": (),
        "udp": (),
        "icmp": (),
        "state": (),
        "limit": (),
        "hashlimit": (),
        "iprange": (),
        "pkttype": (),
        "bpf": (),
        "cgroup": (),
        "length": (),
        "u32": (),
    }.items()
}

#: Options whose parser reads two words.
TWO_ARGUMENTS: dict[str, frozenset[str]] = {
    "tcp": frozenset({"--tcp-flags"}),
    "set": frozenset({"--match-set"}),
    "SET": frozenset({"--add-set", "--del-set", "--map-set"}),
}

# Options that take no argument in whichever extension defines them (for an option seen outside its module,
# e.g. a pasted fragment that dropped "-m recent").
_ANY_NO_ARGUMENT = frozenset().union(*NO_ARGUMENT.values()) - {"--set", "--save", "--restore", "--invert"}
_ANY_TWO = frozenset().union(*TWO_ARGUMENTS.values())


def option_arity(extension: str | None, option: str) -> int:
    """How many words follow ``option`` of ``extension`` (a match module after ``-m`` or a target after ``-j``).

    ``extension`` ``None`` (or one not in the tables) answers from every table at once, so that
    ``--random-fully`` or ``--checksum-fill`` is known wherever it appears.

    >>> option_arity("recent", "--set"), option_arity("connlabel", "--label"), option_arity("CT", "--zone")
    (0, 1, 1)
    """
    if extension is not None:
        if option in TWO_ARGUMENTS.get(extension, ()):
            return 2
        if extension in NO_ARGUMENT:
            return 0 if option in NO_ARGUMENT[extension] else 1
    if option in _ANY_TWO:
        return 2
    return 0 if option in _ANY_NO_ARGUMENT else 1
