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
from typing import Any

__all__ = [
    "DOMAIN",
    "ENVIRONMENT_VARIABLE",
    "LOCALE_DIR",
    "Message",
    "N_",
    "_",
    "display_width",
    "get_language",
    "joined",
    "ljust",
    "message",
    "ngettext",
    "plural_message",
    "rjust",
    "set_language",
    "translate",
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


def display_width(text: str) -> int:
    """The columns ``text`` takes in a terminal or a monospaced ``<pre>``: two for a wide character (CJK
    ideographs, full-width punctuation; Unicode's East Asian Width ``W``/``F``), one for the others.

    >>> display_width("NODE"), display_width("节点")
    (4, 4)
    """
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def ljust(text: str, width: int) -> str:
    """``text.ljust(width)`` by :func:`display_width`, so a table's columns line up in Chinese too (the same
    as ``str.ljust`` for text without wide characters).

    >>> ljust("节点", 6) + "|", ljust("NODE", 6) + "|"
    ('节点  |', 'NODE  |')
    """
    return text + " " * max(0, width - display_width(text))


def rjust(text: str, width: int) -> str:
    """``text.rjust(width)`` by :func:`display_width`.

    >>> rjust("间隔", 6) + "|"
    '  间隔|'
    """
    return " " * max(0, width - display_width(text)) + text


class Message(str):
    """A sentence the model writes into data (a drop reason, a routing step, a warning, a note) that a report
    shows later: its value *is* the English text (``str``: compared, joined, serialized to JSON and read by code
    as before, whatever the language), and :func:`translate` renders it in the reader's language at display
    time, from the English ``template`` (a catalog message, marked with :func:`N_` where it is written) and its
    ``values`` (names, addresses, numbers, what kube-proxy or a real tool wrote: never translated; a value that
    is itself a :class:`Message` is translated in turn).

    ``Message(template, **values)`` (or :func:`message`) for a sentence, :func:`plural_message` for one whose
    English depends on a count, :func:`joined` for parts and a separator. Copies and pickles keep the template.

    >>> m = Message("{verdict} by chain policy", verdict="DROP")
    >>> m, m == "DROP by chain policy", isinstance(m, str), m.template
    ('DROP by chain policy', True, True, '{verdict} by chain policy')
    >>> set_language("zh_CN"); print(m.text()); set_language(None)
    DROP（来自链的默认策略）
    """

    template: str
    plural: str | None
    n: int
    values: dict
    sep: str | None
    parts: tuple

    def __new__(cls, template: str, /, **values: object) -> Message:
        return cls._made(template.format(**values), template, None, 0, values, None, ())

    @classmethod
    def _made(
        cls,
        english: str,
        template: str,
        plural: str | None,
        n: int,
        values: dict,
        sep: str | None,
        parts: tuple,
    ) -> Message:
        self = str.__new__(cls, english)
        self.template, self.plural, self.n, self.values, self.sep, self.parts = (
            template,
            plural,
            n,
            values,
            sep,
            parts,
        )
        return self

    def __reduce__(self) -> tuple:  # copy.deepcopy (dataclasses.asdict) and pickle keep the template
        return (_rebuilt, (str(self), self.template, self.plural, self.n, self.values, self.sep, self.parts))

    def text(self) -> str:
        """The sentence in the reader's language (:func:`translate`)."""
        return translate(self)


def _rebuilt(*fields: object) -> Message:
    return Message._made(*fields)  # type: ignore[arg-type]


def message(template: str, **values: object) -> Message:
    """A :class:`Message`: ``template.format(**values)`` in English, translatable later.

    >>> message("{n} line(s) not attributed", n=2)
    '2 line(s) not attributed'
    """
    return Message(template, **values)


def plural_message(singular: str, plural: str, n: int, **values: object) -> Message:
    """A :class:`Message` whose English is ``singular`` for ``n == 1``, else ``plural`` (``n`` is a value too).

    >>> plural_message("{n} rule", "{n} rules", 1), plural_message("{n} rule", "{n} rules", 3)
    ('1 rule', '3 rules')
    """
    all_values = {"n": n, **values}
    return Message._made(
        (singular if n == 1 else plural).format(**all_values), singular, plural, n, all_values, None, ()
    )


def joined(sep: str, parts: list[str]) -> Message:
    """A :class:`Message` that is ``sep.join(parts)``; :func:`translate` translates each part.

    >>> joined(" + ", ["iptables-save", message("rule lines")])
    'iptables-save + rule lines'
    """
    return Message._made(sep.join(parts), "", None, 0, {}, sep, tuple(parts))


def translate(text: Any) -> Any:
    """``text`` in the reader's language if it is a :class:`Message` (from its template and values); anything
    else (a name, an address, a rule, a tool's message, a number) is data and is returned as it is.

    >>> set_language("zh_CN")
    >>> translate(message("not an ipvsadm line")), translate("not an ipvsadm line")
    ('不是 ipvsadm 的输出行', 'not an ipvsadm line')
    >>> set_language(None)
    >>> translate(message("{n} line(s) not attributed", n=2))
    '2 line(s) not attributed'
    """
    if not isinstance(text, Message) or not hasattr(text, "template"):
        return text
    if text.sep is not None:
        return text.sep.join(translate(p) for p in text.parts)
    values = {k: translate(v) if isinstance(v, Message) else v for k, v in text.values.items()}
    if text.plural is not None:
        return ngettext(text.template, text.plural, text.n).format(**values)
    return _(text.template).format(**values)
