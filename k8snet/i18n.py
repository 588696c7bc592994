"""The library's own words in the reader's language: Python :mod:`gettext` over ``k8snet/locale``.

What k8snet writes as prose for a reader (explorer labels and notes, diagram captions and node labels that are
words, summaries) goes through :func:`_`; what real tools print (kubectl, the API server's errors, DNS answers,
kube-proxy's rules) never does, because a real cluster prints them in English too. The language is one
setting: :func:`set_language` (``k8snet.set_language("zh_CN")``), else the environment variable
``K8SNET_LANGUAGE`` (the book's build sets it for each edition), else English. Catalogs are
``k8snet/locale/<lang>/LC_MESSAGES/k8snet.po`` with their compiled ``.mo`` beside them, shipped as package data;
``make catalogs`` refreshes both from the ``_()`` calls in the package (``book/_ext/k8snet_i18n.py``).

A message missing from the catalog (or a language without one) falls back to English, as gettext does.

>>> set_language("zh_CN")
>>> _("Replicas")
'副本数'
>>> set_language("en")
>>> _("Replicas")
'Replicas'
>>> set_language(None)  # back to K8SNET_LANGUAGE, else English
"""

from __future__ import annotations

import functools
import gettext
import os
from pathlib import Path

__all__ = [
    "DOMAIN",
    "ENVIRONMENT_VARIABLE",
    "LOCALE_DIR",
    "N_",
    "_",
    "get_language",
    "ngettext",
    "set_language",
]

DOMAIN = "k8snet"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
#: The environment variable the book's build sets per edition (``zh_CN``); read on every lookup.
ENVIRONMENT_VARIABLE = "K8SNET_LANGUAGE"

_chosen: list[str | None] = [None]


def set_language(language: str | None) -> None:
    """Choose the language of the library's prose: ``"zh_CN"``, ``"en"``, or ``None`` to follow
    ``K8SNET_LANGUAGE`` again. A language with no catalog shows English.

    >>> set_language("zh_CN"); get_language()
    'zh_CN'
    >>> set_language(None)
    """
    _chosen[0] = language or None


def get_language() -> str:
    """The language in effect: the one :func:`set_language` chose, else ``K8SNET_LANGUAGE``, else ``"en"``.

    >>> get_language() in ("en", os.environ.get("K8SNET_LANGUAGE"))
    True
    """
    return _chosen[0] or os.environ.get(ENVIRONMENT_VARIABLE) or "en"


@functools.cache
def _translations(language: str) -> gettext.NullTranslations:
    # "zh-CN" and "zh_CN" name the same catalog
    return gettext.translation(DOMAIN, LOCALE_DIR, [language.replace("-", "_")], fallback=True)


def _(message: str) -> str:
    """``message`` in the current language (unchanged if the catalog has no translation)."""
    return _translations(get_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural of a message for ``n``, in the current language.

    >>> ngettext("{n} record", "{n} records", 2).format(n=2)
    '2 records'
    """
    return _translations(get_language()).ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 (gettext's conventional name)
    """Mark ``message`` for the catalog without translating it now (module constants are translated where
    they are shown, with :func:`_`)."""
    return message
