"""The chapters' short printed lines (k8snet.views.phrases): English as the chapters printed them, translated
in the Chinese edition, and a clear error for a phrase that does not exist or lacks a value."""

from __future__ import annotations

import pytest

from k8snet.errors import K8snetError
from k8snet.i18n import set_language
from k8snet.views.phrases import PHRASES, phrase

VALUES = {
    "verdict": "delivered",
    "port": 30542,
    "warnings": "''",
    "mode": "VIP",
    "rule": "-A X",
    "address": "a",
}
VALUES |= {"pod": "nginx", "node": "kind-worker"}


def test_english_is_what_the_cells_printed():
    # the cells' own print() calls before the phrases moved into the library
    assert phrase("via-clusterip", verdict="v") == " ".join(["ClusterIP:         ", "v"])
    assert phrase("cached-pod-address", verdict="v") == " ".join(["cached Pod address:", "v"])
    assert phrase("runs-on", pod="nginx", node="kind-worker") == " ".join(["nginx runs on", "kind-worker"])
    assert (
        phrase("ipmode", mode="VIP", rule="R", verdict="V") == "ipMode: VIP\n  first matching rule: R\n  V\n"
    )


def test_every_phrase_is_translated():
    english = {key: phrase(key, **VALUES) for key in PHRASES}
    try:
        set_language("zh_CN")
        chinese = {key: phrase(key, **VALUES) for key in PHRASES}
    finally:
        set_language(None)
    assert all(chinese[k] != english[k] for k in PHRASES)
    # the two verdicts of chapter 2 still start in the same column (a CJK character takes two)
    width = [
        sum(2 if ord(ch) > 0x2E7F else 1 for ch in chinese[k].split("delivered")[0])
        for k in ("cached-pod-address", "via-clusterip")
    ]
    assert width[0] == width[1]


def test_bad_keys_and_missing_values_are_clear_errors():
    with pytest.raises(K8snetError, match="no such phrase"):
        phrase("allocated-nodeports")
    with pytest.raises(K8snetError, match="needs a value for 'port'"):
        phrase("allocated-nodeport")
