"""Label selectors: k8s.io/apimachinery ``pkg/labels`` (``selector.go``: ``Parse``, ``SelectorFromSet``,
``Matches``), what ``kubectl get -l`` sends and the API server's list filters on.

A selector is either a map (``{"app": "web"}``, a ``Service``'s ``spec.selector``: every pair must match) or the
string syntax of ``-l``/``labelSelector``: comma-separated requirements ``key=value`` (or ``==``),
``key!=value``, ``key in (a,b)``, ``key notin (a,b)``, ``key`` (exists) and ``!key`` (does not exist). Requirements
are ANDed.

Simplified: the string is split, not lexed; malformed selectors are not rejected (upstream ``labels.Parse``
returns an error), and keys and values are not validated.

>>> selector_matches("app=web,env in (prod, staging)", {"app": "web", "env": "prod"})
True
"""

from __future__ import annotations

__all__ = ["parse_label_selector", "selector_matches"]


def parse_label_selector(selector: str | dict | None) -> list[tuple[str, str, list[str]]]:
    """Parse ``kubectl -l`` syntax (``a=b,c!=d,e in (x,y),!f,g``) into ``(key, op, values)`` requirements.

    >>> parse_label_selector("app=web,tier!=db,env in (a, b),!legacy")
    [('app', '=', ['web']), ('tier', '!=', ['db']), ('env', 'in', ['a', 'b']), ('legacy', '!', [])]
    """
    if not selector:
        return []
    if isinstance(selector, dict):
        return [(k, "=", [v]) for k, v in selector.items()]
    reqs: list[tuple[str, str, list[str]]] = []
    parts: list[str] = []
    depth, cur = 0, ""
    for ch in selector:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    for part in (p.strip() for p in parts):
        if not part:
            continue
        words = part.split()
        if len(words) >= 2 and words[1] in ("in", "notin"):
            values = part.split("(", 1)[1].rstrip(")")
            reqs.append((words[0], words[1], [v.strip() for v in values.split(",") if v.strip()]))
        elif "!=" in part:
            k, v = part.split("!=", 1)
            reqs.append((k.strip(), "!=", [v.strip()]))
        elif "==" in part:
            k, v = part.split("==", 1)
            reqs.append((k.strip(), "=", [v.strip()]))
        elif "=" in part:
            k, v = part.split("=", 1)
            reqs.append((k.strip(), "=", [v.strip()]))
        elif part.startswith("!"):
            reqs.append((part[1:].strip(), "!", []))
        else:
            reqs.append((part, "exists", []))
    return reqs


def selector_matches(selector: str | dict | None, labels: dict[str, str] | None) -> bool:
    """Whether ``labels`` satisfy a selector in :func:`parse_label_selector` syntax or a map.

    >>> selector_matches({"app": "web"}, {"app": "web", "x": "y"}), selector_matches("app!=web", {})
    (True, True)
    """
    labels = labels or {}
    for key, op, values in parse_label_selector(selector):
        if op == "=" and labels.get(key) != values[0]:
            return False
        if op == "!=" and labels.get(key) == values[0]:
            return False
        if op == "in" and labels.get(key) not in values:
            return False
        if op == "notin" and key in labels and labels[key] in values:
            return False
        if op == "!" and key in labels:
            return False
        if op == "exists" and key not in labels:
            return False
    return True
