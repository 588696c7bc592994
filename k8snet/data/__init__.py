"""Data shipped with k8snet: the source article's manifests and commands (``article/``), and the figures of the
book's scale lab (``scale/scale-lab.json``, precomputed by ``benchmarks/scale_lab.py``; see :func:`scale_lab`).

The book and the tests use these copies so they stand alone (Binder and the published site have no access to
the article's source). The manifests come in two forms: ``article/<name>.yaml`` with the comments in English
(said more precisely where the article's comment is wrong), which the chapters apply and compare with, and
``article/zh_CN/<name>.yaml``, the article's text verbatim with its original Chinese comments
(``article_manifest(name, "zh_CN")``; the book's page of the article's manifests shows both). Both describe the
same objects.

>>> sorted(article_manifests())
['externalname-svc', 'headless-svc', 'loadbalancer-svc', 'nodeport-svc']
>>> article_manifest("nodeport-svc").splitlines()[1]
'apiVersion: v1'
"""

from __future__ import annotations

from importlib import resources

__all__ = ["article_manifest", "article_manifests", "article_commands", "scale_lab"]


def _dir():
    return resources.files(__package__).joinpath("article")


def article_manifests() -> list[str]:
    """Names of the article's manifests (without ``.yaml``)."""
    return sorted(p.name[:-5] for p in _dir().iterdir() if p.name.endswith(".yaml"))


def article_manifest(name: str, language: str = "en") -> str:
    """The YAML text of one of the article's manifests, e.g. ``"headless-svc"``: with the comments in English,
    or, for ``language="zh_CN"``, verbatim as the article prints it, with its original Chinese comments.

    The default does not follow the library's language (:mod:`k8snet.i18n`): chapters compare this text with
    the manifest their cells show.

    >>> article_manifest("externalname-svc", "zh_CN").splitlines()[-1]
    '  externalName: mysql.default.svc.cluster.local # 外部域名'
    """
    localized = _dir().joinpath(language.replace("-", "_"), f"{name}.yaml")
    path = localized if localized.is_file() else _dir().joinpath(f"{name}.yaml")
    return path.read_text(encoding="utf-8")


def article_commands() -> list[str]:
    """The article's kubectl commands, in order."""
    text = _dir().joinpath("commands.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def scale_lab() -> dict:
    """The scale lab's figures: a cluster at Kubernetes' scalability thresholds and kube-proxy on one of its
    nodes, per mode (``python benchmarks/scale_lab.py`` regenerates them; the file's ``note`` says what the
    timings are).

    >>> lab = scale_lab()
    >>> lab["cluster"]["nodes"], sorted(lab["syncs"])
    (5000, ['iptables', 'ipvs', 'nftables'])
    """
    import json

    text = resources.files(__package__).joinpath("scale", "scale-lab.json").read_text(encoding="utf-8")
    return json.loads(text)
