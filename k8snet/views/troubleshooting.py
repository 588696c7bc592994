"""The troubleshooting lab on the static site: each scenario's investigation steps and its answer checker.

Both explorers read a :class:`k8snet.sim.troubleshooting.Lab` (the scenario built in the model); nothing here
computes an output or decides an answer.

* ``lab-steps`` (:func:`lab_steps_explorer`): one button per investigation step of the scenario (its
  ``commands``); the view is the command as typed and what it prints (iptables mode);
* ``lab-answer`` (:func:`lab_answer_explorer`): one button per cause, by letter (:func:`cause_letters`); the
  view says right or wrong, and why. The page holds every verdict in its saved state but shows one only
  when its letter is chosen.

Example
-------
>>> ex = lab_answer_explorer(scenario="orders")
>>> letter = {cause: k for k, cause in cause_letters().items()}["selector-matches-nothing"]
>>> ex.outcome(answer=letter).html.startswith('<p class="k8snet-lab-right"')
True
>>> "Not this one" in ex.outcome(answer="A" if letter != "A" else "B").html
True
"""

from __future__ import annotations

import html as html_lib
import string

from k8snet.i18n import N_, _, get_language
from k8snet.sim.troubleshooting import Lab, load_lab
from k8snet.views.explorer import Explorer, Outcome, register

__all__ = [
    "cause_letters",
    "causes_html",
    "lab_for",
    "lab_steps_explorer",
    "lab_answer_explorer",
    "NO_ANSWER",
]

#: The answer control's first value: nothing chosen yet.
NO_ANSWER = "?"

_LABS: dict[tuple[str, str], Lab] = {}
_OUTCOMES: dict[tuple, Outcome] = {}


def cause_letters() -> dict[str, str]:
    """Each cause of the lab by letter, in file order: ``{"A": cause id, ...}``.

    >>> cause_letters()["A"]
    'pods-not-ready'
    """
    return dict(zip(string.ascii_uppercase, load_lab().causes, strict=False))


def causes_html() -> str:
    """The lettered list of causes the chapter shows once, above the scenarios."""
    causes = load_lab().causes
    items = "".join(
        f"<li><strong>{letter}</strong>. {html_lib.escape(_(causes[cid].text))}</li>"
        for letter, cid in cause_letters().items()
    )
    return f'<ul class="k8snet-lab-causes" style="list-style:none;padding-left:0">{items}</ul>'


def lab_for(scenario: str) -> Lab:
    """The scenario's :class:`~k8snet.sim.troubleshooting.Lab`, built once per language (iptables mode): a lab
    draws each command's random choices from the commands run before it, so a page's steps show the same in a
    process that showed another edition's first."""
    key = (scenario, get_language())
    if key not in _LABS:
        _LABS[key] = Lab(scenario)
    return _LABS[key]


def _step(scenario: str, label: str) -> Outcome:
    # kubectl, curl and dig print the same in every language; `k8snet trace` reports in the reader's language
    key = ("step", scenario, label, get_language())
    if key not in _OUTCOMES:
        lab = lab_for(scenario)
        command = lab.scenario.commands[label]
        result = lab.run(command)
        shown = lab.expand(command)
        _OUTCOMES[key] = Outcome(text=f"$ {shown}\n{result.text}".rstrip("\n"))
    return _OUTCOMES[key]


@register("lab-steps")
def lab_steps_explorer(scenario: str) -> Explorer:
    """The investigation steps of one lab scenario: each button runs one command on the broken setup."""
    lab = lab_for(scenario)
    labels = list(lab.scenario.commands)
    return Explorer(
        "lab-steps",
        {"step": labels},
        lambda v: _step(scenario, v["step"]),
        labels={"step": N_("Run")},
        kinds={"step": "buttons"},
        live=False,
    )


def _answer(scenario: str, letter: str) -> Outcome:
    key = ("answer", scenario, letter, get_language())
    if key not in _OUTCOMES:
        if letter == NO_ANSWER:
            prompt = html_lib.escape(_("Choose the letter of the cause."))
            out = Outcome(html=f'<p class="k8snet-lab-prompt"><em>{prompt}</em></p>')
        else:
            verdict = lab_for(scenario).check(cause_letters()[letter])
            cls = "k8snet-lab-right" if verdict.correct else "k8snet-lab-wrong"
            color = "#1a7f37" if verdict.correct else "#b42318"
            out = Outcome(
                html=f'<p class="{cls}" style="color:{color}"><strong>{letter}</strong>: '
                f"{html_lib.escape(verdict.message)}</p>"
            )
        _OUTCOMES[key] = out
    return _OUTCOMES[key]


@register("lab-answer")
def lab_answer_explorer(scenario: str) -> Explorer:
    """The answer checker of one lab scenario: a button per cause letter (see :func:`causes_html`)."""
    lab_for(scenario)  # an unknown scenario is an error here, not in the page
    return Explorer(
        "lab-answer",
        {"answer": [NO_ANSWER, *cause_letters()]},
        lambda v: _answer(scenario, v["answer"]),
        labels={"answer": N_("Cause")},
        kinds={"answer": "buttons"},
        live=False,
    )
