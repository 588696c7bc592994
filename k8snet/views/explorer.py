"""Explorers: a few discrete controls and the view they select, on the static site and in a live kernel.

One :class:`Explorer` serves both worlds:

* **Static site** (Jupyter Book, no kernel). :meth:`Explorer.widget` computes every combination of the
  control values up front and nests one ipywidgets ``Stack`` per control; each Stack's ``selected_index``
  is ``jslink``-ed to its control's ``index``, so the browser switches views with no Python running.
  Identical outcomes become one widget model shared by several Stacks, so the saved widget state (and the
  page) stays small.
* **Live kernel** (Binder, Colab, local Jupyter). The same widget also observes its controls. The first
  change proves a kernel is listening: the explorer unlinks the Stacks, widens the controls to the
  ``live`` ranges (if given) and from then on recomputes the view in Python on every change.

There is no reliable way to tell "the book build executes this notebook" from "a reader runs it" (both
are a kernel driven by a Jupyter client), hence this rule: the saved state is always the precomputed one,
and only an actual interaction switches to live mode.

The precomputed outcome of a combination is exactly what :meth:`Explorer.outcome` returns for it, and each
outcome carries a stable DOM marker ``data-k8snet-outcome="<digest>"`` (a hash of its content) so the
browser test can compute the expected view in Python (:func:`explorer_from_marker`) and compare.

Explorers for the book are built by factories registered with :func:`register`; the widget writes the
factory's dotted path and keyword arguments into the page (``data-k8snet-factory``, ``data-k8snet-args``).

Example
-------
>>> ex = Explorer("doc-square", {"n": [1, 2, 3]}, lambda v: Outcome(html=f"<b>{v['n'] ** 2}</b>"))
>>> ex.outcome(n=3).html
'<b>9</b>'
>>> sorted(ex.outcomes())
[(1,), (2,), (3,)]
"""

from __future__ import annotations

import hashlib
import html as html_lib
import importlib
import itertools
import json
import re
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from k8snet.errors import K8snetError
from k8snet.i18n import N_, _

__all__ = [
    "Outcome",
    "Explorer",
    "REGISTRY",
    "register",
    "explorer_from_marker",
    "STATIC_NOTE",
]

#: Shown under every explorer; worded for both the static site and a live kernel (in English: the widget shows
#: them translated, :mod:`k8snet.i18n`).
STATIC_NOTE = N_("Precomputed for these ranges; launch Binder or Colab to explore further.")
LIVE_NOTE = N_("Live: computed by the kernel on every change.")

#: Above this many bytes of distinct outcome content, :meth:`Explorer.widget` refuses to precompute
#: (pages must stay well under 3 MB; the widget manager alone is 4 MB of JavaScript, loaded once).
DEFAULT_BUDGET_BYTES = 2_000_000
MAX_COMBINATIONS = 512

_ERROR_STYLE = (
    "border:1px solid #d33;border-left:4px solid #d33;background:#fff5f5;color:#611;"
    "padding:0.4em 0.6em;margin:0.3em 0;border-radius:3px"
)


@dataclass(frozen=True)
class Outcome:
    """What one combination of control values shows: an optional SVG diagram, HTML, and optional text.

    ``text`` is shown preformatted (kubectl output, rule dumps). ``html`` is trusted HTML written by
    k8snet itself.

    >>> Outcome(html="<p>hi</p>", text="a < b").fragment("0123")
    '<div class="k8snet-outcome" data-k8snet-outcome="0123"><p>hi</p><pre class="k8snet-outcome-text">a &lt; b</pre></div>'
    """

    html: str = ""
    svg: str | None = None
    text: str | None = None
    error: bool = False

    @classmethod
    def from_error(cls, err: BaseException) -> Outcome:
        """An outcome that shows ``err`` in place: a red box with the error's text (kubectl's words)."""
        title = (
            _("Error")
            if isinstance(err, K8snetError)
            else _("Unexpected error ({name})").format(name=type(err).__name__)
        )
        body = (
            f'<div class="k8snet-error" role="alert" style="{_ERROR_STYLE}"><strong>{title}</strong>'
            f'<pre style="white-space:pre-wrap;margin:0.3em 0 0;background:none;border:none">'
            f"{html_lib.escape(str(err))}</pre></div>"
        )
        return cls(html=body, error=True)

    @property
    def digest(self) -> str:
        """A short content hash; equal outcomes have equal digests (used to dedupe and as a DOM marker)."""
        h = hashlib.sha256()
        for part in (self.svg or "", self.html, self.text or "", "E" if self.error else ""):
            h.update(part.encode())
            h.update(b"\0")
        return h.hexdigest()[:16]

    def fragment(self, marker: str | None = None) -> str:
        """The HTML of the text part (without the SVG), wrapped in a div carrying the marker."""
        marker = self.digest if marker is None else marker
        text = (
            ""
            if self.text is None
            else f'<pre class="k8snet-outcome-text">{html_lib.escape(self.text)}</pre>'
        )
        return f'<div class="k8snet-outcome" data-k8snet-outcome="{marker}">{self.html}{text}</div>'

    def _repr_html_(self) -> str:
        svg = "" if self.svg is None else f'<div class="k8snet-svg">{self.svg}</div>'
        return svg + self.fragment()


def _option_label(value: Hashable) -> str:
    """What a control shows for ``value``: words (``"none"``, ``"one"``) in the reader's language, numbers and
    Kubernetes values (``Local``, ``iptables``) as they are (the catalog has no entry for them)."""
    return _(value) if isinstance(value, str) else str(value)


@dataclass
class _Registered:
    factory: Callable[..., Explorer]
    path: str


#: Explorer factories by explorer name, filled by :func:`register`.
REGISTRY: dict[str, _Registered] = {}


def register(name: str) -> Callable[[Callable[..., Explorer]], Callable[..., Explorer]]:
    """Register a factory that builds the explorer called ``name``.

    The explorer it returns remembers the factory's dotted path and the keyword arguments of the call,
    and writes both into the page, so a test can rebuild the same explorer (keyword arguments must be
    JSON values). Positional arguments are refused for that reason.

    >>> @register("doc-double")
    ... def double(limit=2):
    ...     return Explorer("doc-double", {"n": list(range(limit))}, lambda v: Outcome(html=str(2 * v["n"])))
    >>> double(limit=3).spec
    {'name': 'doc-double', 'factory': 'k8snet.views.explorer:double', 'args': {'limit': 3}}
    """

    def decorate(factory: Callable[..., Explorer]) -> Callable[..., Explorer]:
        path = f"{factory.__module__}:{factory.__qualname__}"

        def build(**kwargs: Any) -> Explorer:
            json.dumps(kwargs)  # refuse what the page could not carry
            explorer = factory(**kwargs)
            if explorer.name != name:
                raise ValueError(f"factory {path} registered as {name!r} built explorer {explorer.name!r}")
            explorer.factory = path
            explorer.factory_args = dict(kwargs)
            return explorer

        build.__name__ = factory.__name__
        build.__qualname__ = factory.__qualname__
        build.__doc__ = factory.__doc__
        build.__module__ = factory.__module__
        build.__wrapped__ = factory  # type: ignore[attr-defined]
        REGISTRY[name] = _Registered(build, path)
        return build

    return decorate


def explorer_from_marker(name: str, factory: str | None = None, args: str | Mapping[str, Any] | None = None):
    """Rebuild the explorer a page shows, from the markers the widget wrote (``data-k8snet-*``).

    >>> explorer_from_marker("intro-replicas", "k8snet.views.lessons:replicas_explorer", "{}").name
    'intro-replicas'
    """
    kwargs = json.loads(args) if isinstance(args, str) else dict(args or {})
    if factory:
        module, _, qualname = factory.partition(":")
        obj: Any = importlib.import_module(module)
        for part in qualname.split("."):
            obj = getattr(obj, part)
        return obj(**kwargs)
    return REGISTRY[name].factory(**kwargs)


@dataclass
class Explorer:
    """A view selected by a few discrete controls.

    Parameters
    ----------
    name : str
        Unique, stable identifier (``[a-z0-9-]``); written into the page.
    controls : dict
        Ordered mapping of control name to the small list of values precomputed for the static site.
    render : callable
        ``render(values: dict) -> Outcome``. A :class:`~k8snet.errors.K8snetError` it raises is shown in
        place as an error box. Any other exception is a bug: it propagates while precomputing (so the book
        build fails) and is shown in place in live mode (so the widget survives).
    labels : dict, optional
        Control name to the label shown next to it (default: the name).
    live : bool or dict, optional
        ``True`` (default): recompute in Python once a kernel answers. A dict maps control names to wider
        value lists used in live mode. ``False``: static only.
    kinds : dict, optional
        Control name to ``"slider"`` or ``"buttons"``. Default: a slider for more than three numbers,
        otherwise toggle buttons.
    initial : dict, optional
        Control name to its initial value (default: the first value).

    Example
    -------
    >>> ex = Explorer("doc-sum", {"a": [0, 1], "b": ["x", "y"]},
    ...               lambda v: Outcome(html=f"{v['a']}{v['b']}"), live=False)
    >>> ex.combinations()
    [(0, 'x'), (0, 'y'), (1, 'x'), (1, 'y')]
    >>> ex.outcome(a=1, b="y").html
    '1y'
    """

    name: str
    controls: Mapping[str, Sequence[Hashable]]
    render: Callable[[dict[str, Any]], Outcome]
    labels: Mapping[str, str] | None = None
    live: bool | Mapping[str, Sequence[Hashable]] | None = True
    kinds: Mapping[str, str] | None = None
    initial: Mapping[str, Hashable] | None = None
    budget_bytes: int = DEFAULT_BUDGET_BYTES
    factory: str | None = None
    factory_args: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", self.name):
            raise ValueError(f"explorer name {self.name!r} must match [a-z0-9][a-z0-9-]*")
        if not self.controls:
            raise ValueError("an explorer needs at least one control")
        self.controls = {k: list(v) for k, v in self.controls.items()}
        for key, values in self.controls.items():
            if not values:
                raise ValueError(f"control {key!r} has no values")
            if len(set(values)) != len(values):
                raise ValueError(f"control {key!r} repeats a value: {values!r}")
        for key, value in (self.initial or {}).items():
            if value not in self.controls[key]:
                raise ValueError(f"initial {key}={value!r} is not one of {self.controls[key]!r}")
        if isinstance(self.live, Mapping):
            for key, values in self.live.items():
                if key not in self.controls:
                    raise ValueError(f"live range for unknown control {key!r}")
                missing = [v for v in self.controls[key] if v not in values]
                if missing:
                    raise ValueError(
                        f"live range for {key!r} must include the precomputed values {missing!r}"
                    )
        n = len(self.combinations())
        if n > MAX_COMBINATIONS:
            raise ValueError(f"{n} combinations; precompute at most {MAX_COMBINATIONS} (narrow the ranges)")
        self._cache: dict[tuple, Outcome] = {}

    # -- values ---------------------------------------------------------------------------------------
    def combinations(self) -> list[tuple]:
        """Every combination of control values, in control order (the first control varies slowest)."""
        return list(itertools.product(*self.controls.values()))

    def _values(self, combo: Sequence[Hashable]) -> dict[str, Any]:
        return dict(zip(self.controls, combo, strict=True))

    def outcome(self, *combo: Hashable, _strict: bool = True, **values: Hashable) -> Outcome:
        """The outcome for one combination, given positionally or by control name.

        Results of precomputed combinations are cached; a K8snetError becomes an error outcome.
        """
        if combo and values:
            raise TypeError("give the combination positionally or by name, not both")
        if values:
            unknown = set(values) - set(self.controls)
            if unknown or len(values) != len(self.controls):
                raise TypeError(f"expected values for {list(self.controls)}, got {sorted(values)}")
            combo = tuple(values[k] for k in self.controls)
        key = tuple(combo)
        if key in self._cache:
            return self._cache[key]
        try:
            result = self.render(self._values(key))
            if not isinstance(result, Outcome):
                raise TypeError(f"render must return an Outcome, got {type(result).__name__}")
        except K8snetError as err:
            result = Outcome.from_error(err)
        except Exception as err:
            if _strict:
                raise
            result = Outcome.from_error(err)
        if all(v in self.controls[k] for k, v in zip(self.controls, key, strict=True)):
            self._cache[key] = result
        return result

    def outcomes(self) -> dict[tuple, Outcome]:
        """Every precomputed combination mapped to its outcome (what the static page can show)."""
        return {combo: self.outcome(*combo) for combo in self.combinations()}

    @property
    def spec(self) -> dict[str, Any]:
        """What the page records to rebuild this explorer: name, factory path, factory arguments."""
        return {"name": self.name, "factory": self.factory, "args": self.factory_args}

    def note_html(self, live: bool = False) -> str:
        """The one-line note under the explorer, with the markers the browser test reads."""
        attrs = f'data-k8snet-explorer="{self.name}"'
        if self.factory:
            attrs += f' data-k8snet-factory="{html_lib.escape(self.factory)}"'
            attrs += f" data-k8snet-args='{html_lib.escape(json.dumps(self.factory_args, sort_keys=True))}'"
        text = _(LIVE_NOTE if live else STATIC_NOTE)
        return f'<div class="k8snet-explorer-note" {attrs}><small><em>{text}</em></small></div>'

    # -- widgets --------------------------------------------------------------------------------------
    def _kind(self, key: str, values: Sequence[Hashable]) -> str:
        kind = (self.kinds or {}).get(key)
        if kind is None:
            numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
            kind = "slider" if numeric and len(values) > 3 else "buttons"
        if kind not in ("slider", "buttons"):
            raise ValueError(f"control kind must be 'slider' or 'buttons', not {kind!r}")
        return kind

    def _make_control(self, index: int, key: str):
        import ipywidgets as widgets

        values = self.controls[key]
        options = [(_option_label(v), v) for v in values]
        label = _((self.labels or {}).get(key, key))
        value = (self.initial or {}).get(key, values[0])
        if self._kind(key, values) == "slider":
            # A SelectionSlider's index runs 0..n-1 whatever the values are, so it can drive a Stack
            # directly (an IntSlider with min != 0 would be off by min; see shared/TOOLCHAIN.md).
            control = widgets.SelectionSlider(
                options=options,
                value=value,
                description=label,
                continuous_update=True,
                style={"description_width": "initial"},
            )
        else:
            control = widgets.ToggleButtons(
                options=options,
                value=value,
                description=label,
                style={"description_width": "initial"},
            )
        control.add_class("k8snet-control")
        control.add_class(f"k8snet-control-{index}")
        return control

    def _leaf(self, outcome: Outcome, svgs: dict[str, Any], leaves: dict[str, Any]):
        import ipywidgets as widgets

        digest = outcome.digest
        if digest not in leaves:
            children = []
            if outcome.svg is not None:
                svg_key = hashlib.sha256(outcome.svg.encode()).hexdigest()
                if svg_key not in svgs:
                    svgs[svg_key] = widgets.HTML(f'<div class="k8snet-svg">{outcome.svg}</div>')
                children.append(svgs[svg_key])
            children.append(widgets.HTML(outcome.fragment()))
            box = widgets.VBox(children)
            box.add_class("k8snet-outcome-box")
            leaves[digest] = box
        return leaves[digest]

    def content_bytes(self) -> int:
        """Bytes of distinct outcome content the static page will carry (SVGs counted once)."""
        seen_svg: set[str] = set()
        seen: set[str] = set()
        total = 0
        for outcome in self.outcomes().values():
            if outcome.digest in seen:
                continue
            seen.add(outcome.digest)
            total += len(outcome.fragment().encode())
            if outcome.svg is not None and outcome.svg not in seen_svg:
                seen_svg.add(outcome.svg)
                total += len(outcome.svg.encode())
        return total

    def widget(self, live: bool | None = None):
        """The explorer as an ipywidgets ``VBox``: controls, the view, and the note.

        ``live`` overrides the explorer's own ``live`` setting (``False``: never recompute in Python).
        The box has the CSS class ``k8snet-explorer``; its controls ``k8snet-control`` and
        ``k8snet-control-<i>``.
        """
        import ipywidgets as widgets

        if not hasattr(widgets, "Stack"):
            # ipywidgets 7 (still the default on some hosted notebooks) has no Stack: live mode only.
            return self._live_only_widget(widgets)
        size = self.content_bytes()
        if size > self.budget_bytes:
            raise ValueError(
                f"explorer {self.name!r} would embed {size} bytes of outcomes (budget {self.budget_bytes}); "
                "narrow the ranges or move them to the live ranges"
            )
        keys = list(self.controls)
        controls = [self._make_control(i, k) for i, k in enumerate(keys)]
        outcomes = self.outcomes()
        svgs: dict[str, Any] = {}
        leaves: dict[str, Any] = {}
        stacks_by_level: list[list[Any]] = [[] for _ in keys]
        shared: dict[tuple, Any] = {}

        def build(level: int, prefix: tuple):
            children = []
            for value in self.controls[keys[level]]:
                combo = (*prefix, value)
                if level == len(keys) - 1:
                    children.append(self._leaf(outcomes[combo], svgs, leaves))
                else:
                    children.append(build(level + 1, combo))
            # Identical subtrees (same children models) are one Stack model shared by several parents.
            ident = (level, tuple(id(c) for c in children))
            if ident not in shared:
                stack = widgets.Stack(children, selected_index=controls[level].index)
                stack.add_class("k8snet-stack")
                stacks_by_level[level].append(stack)
                shared[ident] = stack
            return shared[ident]

        top = build(0, ())
        links = [
            widgets.jslink((controls[level], "index"), (stack, "selected_index"))
            for level, stacks in enumerate(stacks_by_level)
            for stack in stacks
        ]
        area = widgets.Box([top])
        area.add_class("k8snet-explorer-view")
        note = widgets.HTML(self.note_html())
        box = widgets.VBox([*controls, area, note])
        box.add_class("k8snet-explorer")
        box.add_class(f"k8snet-explorer-{self.name}")

        use_live = bool(self.live) if live is None else live
        if use_live:
            _LiveSession(self, controls, links, area, note).attach()
        return box

    def _live_only_widget(self, widgets):
        controls = [self._make_control(i, k) for i, k in enumerate(self.controls)]
        area = widgets.Box([])
        area.add_class("k8snet-explorer-view")
        note = widgets.HTML(self.note_html(live=True))
        box = widgets.VBox([*controls, area, note])
        box.add_class("k8snet-explorer")
        session = _LiveSession(self, controls, [], area, note)
        session.attach()
        session.go_live()
        session.refresh()
        return box

    def _ipython_display_(self) -> None:
        # An explorer as the last expression of a cell shows its widget.
        from IPython.display import display

        display(self.widget())


class _LiveSession:
    """Switches one explorer widget to live mode on the first change a kernel sees."""

    def __init__(self, explorer: Explorer, controls, links, area, note):
        self.explorer = explorer
        self.controls = controls
        self.links = links
        self.area = area
        self.note = note
        self.view = None
        self.busy = False

    def attach(self) -> None:
        for control in self.controls:
            control.observe(self.on_change, names="value")

    def go_live(self) -> None:
        import ipywidgets as widgets

        busy, self.busy = self.busy, True  # widening the options fires value observers
        for link in self.links:
            link.unlink()
        self.links = []
        wider = self.explorer.live if isinstance(self.explorer.live, Mapping) else {}
        for key, control in zip(self.explorer.controls, self.controls, strict=True):
            if key in wider:
                value = control.value
                control.options = [(_option_label(v), v) for v in wider[key]]
                control.value = value
        self.view = widgets.HTML()
        self.view.add_class("k8snet-live-view")
        self.area.children = [self.view]
        self.note.value = self.explorer.note_html(live=True)
        self.busy = busy

    def on_change(self, _change) -> None:
        if self.busy:
            return
        self.busy = True
        try:
            if self.view is None:
                self.go_live()
            self.refresh()
        finally:
            self.busy = False

    def refresh(self) -> None:
        combo = tuple(c.value for c in self.controls)
        self.view.value = self.explorer.outcome(*combo, _strict=False)._repr_html_()
