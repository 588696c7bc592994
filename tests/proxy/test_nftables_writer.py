"""The nftables renderer's shortcuts change nothing: lazily parsed rules equal what ``parse_rule`` gives for the
same text, and the shortened chain-name hash is ``hashAndTruncate`` of kubernetes/kubernetes
``pkg/proxy/nftables/proxier.go`` (base32 of the whole sha256, first 8 characters). No timing here: the
generation time is measured by ``benchmarks/proxy_scaling.py``.
"""

from __future__ import annotations

import base64
import copy
import hashlib
from pathlib import Path

from k8snet import manifests
from k8snet.proxy.config import ProxierSettings
from k8snet.proxy.nftables import build_nftables_table, hash_and_truncate
from k8snet.rules.nftables import Rule, parse_nftables, parse_rule

FIXTURES = Path(__file__).parent / "fixtures"


def _overall_table():
    objs = manifests.load(FIXTURES / "overall.yaml")
    settings = ProxierSettings(
        hostname="test-node",
        node_ips=["192.168.0.2"],
        cluster_cidr="10.0.0.0/8",
        masquerade_mark="0x4000",
        nodeport_addresses=["192.168.0.2/32", "2001:db8::1/128"],
    )
    return build_nftables_table(
        [o for o in objs if o.kind == "Service"],
        [o for o in objs if o.kind == "EndpointSlice"],
        settings,
        service_cidrs=["172.30.0.0/16"],
    )


def test_written_rules_equal_parsed_rules():
    table = _overall_table()
    rules = [r for c in table.chains.values() for r in c.rules]
    assert len(rules) > 50
    for r in rules:
        parsed = parse_rule(r.full_text, r.chain)
        assert isinstance(r, Rule)
        assert r == parsed and parsed == r
        assert repr(r) == repr(parsed)
        assert copy.deepcopy(r) == parsed


def test_written_table_equals_its_parsed_dump():
    from k8snet.rules.nftables import dump_table

    table = _overall_table()
    again = parse_nftables(dump_table(table))[table.key]
    assert table.chains == again.chains and table.sets == again.sets and table.maps == again.maps


def test_hash_and_truncate_is_the_full_digest_prefix():
    for name in ("ns1/svc1/tcp/p80", "ns2/svc2/tcp/p80__10.180.0.2/80", "x" * 300):
        full = base64.b32encode(hashlib.sha256(name.encode()).digest()).decode()
        out = full[:8] + "-" + name
        assert hash_and_truncate(name) == (out if len(out) <= 240 else out[:237] + "...")
