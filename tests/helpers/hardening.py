"""Strategies for the hardening property suites (tests/test_fuzz_hardening.py) and the campaign script
(benchmarks/hardening_campaign.py): hostile YAML, label selectors, kubectl numbers and DNS questions, built from
the fragments the adversarial campaign of issue 11 found troublesome."""

from __future__ import annotations

from hypothesis import strategies as st

from k8snet import manifests

__all__ = [
    "CountingDecoder",
    "DNS_NAMES",
    "DNS_TYPES",
    "FLAG_NUMBERS",
    "NDOTS_VALUES",
    "SELECTORS",
    "YAML_DOCUMENTS",
]

# --- YAML ------------------------------------------------------------------------------------------------------------

SCALARS = [
    "2024-01-01",
    "2024-1-2T3:04:05Z",
    "y",
    "n",
    "on",
    "Off",
    "~",
    "null",
    "0x1F",
    "0o17",
    "08",
    "0b101",
    "-0b11",
    "1e3",
    "1e400",
    "1:20",
    ".5",
    ".nan",
    ".inf",
    "-.Inf",
    "99999999999999999999",
    "-99999999999999999999",
    "1_000",
    "'quoted'",
    '"dq"',
    "!!int abc",
    "!!int 5",
    "!!int 0x",
    "!!float x",
    "!!float 3",
    "!!bool yes",
    "!!bool abc",
    "!!timestamp 2024-01-01",
    "!!timestamp abc",
    "!!binary aGk=",
    "!!binary '%%'",
    "!!str 12",
    "!foo bar",
    "! 12",
    "!!python/name:os.system x",
    "80",
    "http",
    "TCP",
    "''",
]
KEYS = ["a", "name", "labels", "port", "1", "1.5", "true", "y", "~", "<<", "2024-01-01", "'k'", "!!int 3"]


def _flow(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    seq = st.lists(children, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]")
    mapping = st.lists(st.tuples(st.sampled_from(KEYS), children), max_size=4).map(
        lambda kv: "{" + ", ".join(f"{k}: {v}" for k, v in kv) + "}"
    )
    return st.one_of(seq, mapping)


_SCALAR = st.one_of(st.sampled_from(SCALARS), st.text(alphabet="abz09-_.:", min_size=1, max_size=6))
_NODE = st.recursive(_SCALAR, _flow, max_leaves=14)
_ANCHORED = st.one_of(
    st.tuples(st.sampled_from(["", "", "&a ", "&b "]), _NODE).map("".join),
    st.sampled_from(["*a", "*b", "[*a, *a, *a]", "{<<: *a}", "{<<: [*a, *b]}"]),
)


@st.composite
def _document(draw: st.DrawFn) -> str:
    shape = draw(st.sampled_from(["service", "pod", "bare", "anchors"]))
    if shape == "service":
        return (
            f"apiVersion: v1\nkind: Service\nmetadata: {{name: x, labels: {draw(_ANCHORED)}}}\n"
            f"spec: {{ports: [{{port: {draw(_ANCHORED)}}}], selector: {draw(_ANCHORED)}}}\n"
        )
    if shape == "pod":
        return (
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
            f"spec: {{containers: [{{name: c, image: i}}], dnsConfig: {draw(_ANCHORED)}}}\n"
        )
    if shape == "anchors":
        return "a: &a " + draw(_NODE) + "\nb: &b " + draw(_ANCHORED) + "\nc: " + draw(_ANCHORED) + "\n"
    return draw(_ANCHORED) + "\n"


YAML_DOCUMENTS = st.lists(
    st.tuples(_document(), st.sampled_from(["---\n", "---\n", "--- # c\n", "--- x\n", "\n"])),
    min_size=1,
    max_size=3,
).map(lambda parts: "".join(doc + sep for doc, sep in parts))


class CountingDecoder(manifests._Decoder):
    """The YAML decoder, remembering every instance so a test can read how much work each document took."""

    instances: list[CountingDecoder] = []

    def __init__(self) -> None:
        super().__init__()
        CountingDecoder.instances.append(self)

    @classmethod
    def reset(cls) -> None:
        cls.instances = []

    @classmethod
    def counts(cls) -> list[int]:
        return [d.decode_count for d in cls.instances]


# --- kubectl strings --------------------------------------------------------------------------------------------------

_SELECTOR_TOKENS = [
    "app",
    "x",
    "a.b/c",
    "Bad",
    "a_",
    "=",
    "==",
    "!=",
    "!",
    "(",
    ")",
    ",",
    " ",
    "in",
    "notin",
    " in ",
    " notin ",
    ">",
    "<",
    "1",
    "web",
    "é",
    "-",
    "\t",
]
SELECTORS = st.one_of(
    st.lists(st.sampled_from(_SELECTOR_TOKENS), max_size=10).map("".join),
    st.sampled_from(["app in (web", "!!!", "=web", "app=a=b", "Bad Key=x", "(", "app in web", "app notin"]),
    st.text(max_size=12),
)

#: numbers as kubectl flags receive them. None is a count above 3, read as pflag reads it or wrapped to int32 as
#: ``scale --current-replicas`` sends it, so no request may create many pods (99999999999999 would wrap to
#: 276447231 replicas: accepted, as by a real cluster, and more than the simulation can build).
FLAG_NUMBERS = st.sampled_from(
    [
        "0",
        "1",
        "2",
        "-1",
        "+1",
        "0x3",
        "0b11",
        "0_1",
        "08",
        "1e3",
        "²",
        "٣",
        "",
        "2147483648",
        "4294967296",
        "4294967298",
        "9223372036854775808",
        "99999999999999999999",
        "abc",
    ]
)

# --- DNS ----------------------------------------------------------------------------------------------------------------

DNS_NAMES = st.one_of(
    st.sampled_from(
        [
            "kubernetes",
            "kubernetes.default",
            "kube-dns.kube-system.svc.cluster.local.",
            "10.96.0.1",
            "fe80::1%eth0",
            "fe80::1",
            "",
            ".",
            "a..b",
            "x" * 300,
            "_dns._udp.kube-dns.kube-system",
        ]
    ),
    st.text(alphabet="abk.-_%:019é", max_size=20),
    st.integers(),
    st.none(),
)
DNS_TYPES = st.one_of(
    st.sampled_from(
        ["A", "AAAA", "PTR", "SRV", "TXT", "HINFO", "ANY", "", "TYPE65", "type1", "FOO", "a", "AXFR"]
    ),
    st.text(max_size=5),
    st.none(),
    st.integers(),
)
NDOTS_VALUES = st.sampled_from(["5", "abc", "", "-1", "99", "2x", " 3", "99999999999999999999", "0"])
