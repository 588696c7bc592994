"""The troubleshooting lab: broken Services, shown by their symptom, investigated with a real cluster's commands.

The scenarios are data (``k8snet/data/troubleshooting.yaml``, read by :func:`load_lab`): the objects of a broken
setup, the client that reports the problem and the command it runs, the cause, the fix. Nothing here writes a
symptom: :class:`Lab` builds the setup in a fresh kind-like :class:`~k8snet.sim.cluster.Cluster` and runs the
client's command through the model:

* the URL's host is resolved from the client Pod by cluster DNS (:meth:`k8snet.dns.DNS.resolve`, the Pod's
  search list; a name with no address is a resolution failure);
* the connection is traced through every node's rules in the chosen proxy mode (:func:`k8snet.sim.trace.trace`);
  each run of the command is a new connection, drawn from the traced outcomes with its own seed;
* the outcome becomes what the client prints: a ``REJECT`` is a refused connection (the ICMP port unreachable
  kube-proxy's reject sends, or a TCP reset from a Pod whose port has no listener), a ``DROP``, a packet routed
  out of the cluster that nothing answers, or a reply that would come back from another address (a connection
  forwarded to another node without masquerading, whose reply bypasses the node that did the DNAT:
  ``pkg/proxy/ipvs/proxier.go`` ``syncEndpoint``, "the reply will have the POD address and will be
  discarded") is a timeout; a delivered connection prints the server's body.

The client programs' words are theirs: curl 8 (``lib/connect.c``: ``Failed to connect to %s port %u after %d ms:
%s`` with ``curl_easy_strerror``'s "Couldn't connect to server" or "Timeout was reached", exit 7 or 28;
``lib/hostip.c``: ``Could not resolve host: %s``, exit 6) and busybox wget (``libbb/xconnect.c``: ``can't connect to
remote host (%s): Connection refused``; ``bad address '%s'``; ``networking/wget.c``: ``download timed out`` when
``-T`` expires). The milliseconds curl prints are not measured by the model: it prints 0 for an immediate
refusal and the timeout plus 1 ms for a timeout, as a cluster typically shows.

What the lab accepts (:meth:`Lab.run`): any ``kubectl`` command the model's kubectl runs; ``kubectl exec [-n NS]
POD -- nslookup NAME``, ``-- curl ...`` and ``-- wget ...``; ``curl``/``wget`` alone for a client outside the
cluster; ``k8snet trace --from SOURCE --to DESTINATION [--proxy-mode MODE] [--protocol P]``. curl takes ``-s``,
``-S`` and ``--connect-timeout N``; wget ``-q``, ``-O -`` and ``-T N`` (a timeout is required: the model does not
wait out the kernel's SYN retries). Simplified: curl's progress meter and wget's progress bar are not drawn;
readiness probes are not run (a scenario names the Pods whose probe fails); a server's processes listen on the
ports its containers declare unless the scenario says otherwise.

The file's prose (causes, titles, stories, explanations, ``not_it`` reasons, step labels: :func:`lab_messages`)
is in the library's catalog; :attr:`Lab.scenario` and the verdicts give it in the language of
:mod:`k8snet.i18n`, the file staying the single source. What the programs print stays as they print it.

Example
-------
>>> lab = Lab("orders")
>>> print(lab.output("iptables"), end="")
curl: (7) Failed to connect to orders port 80 after 0 ms: Couldn't connect to server
>>> lab.check("pods-not-ready").correct, lab.check("selector-matches-nothing").correct
(False, True)
"""

from __future__ import annotations

import dataclasses
import html as html_lib
import re
import shlex
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from k8snet.errors import K8snetError
from k8snet.i18n import _
from k8snet.proxy.modes import PROXY_MODES
from k8snet.sim.trace import trace

__all__ = [
    "Cause",
    "Scenario",
    "LabData",
    "load_lab",
    "lab_messages",
    "CommandResult",
    "Verdict",
    "Lab",
    "MODES",
]

#: The proxy modes every symptom is computed in.
MODES = tuple(PROXY_MODES)
_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
_KEYS = {
    "id",
    "title",
    "story",
    "client",
    "command",
    "repeat",
    "manifests",
    "not_ready",
    "listens",
    "responses",
    "dns",
    "cause",
    "explanation",
    "fix",
    "fix_command",
    "expect",
    "commands",
    "not_it",
}
_REQUIRED = (
    "id",
    "title",
    "story",
    "client",
    "command",
    "manifests",
    "cause",
    "explanation",
    "expect",
    "commands",
)


@dataclass(frozen=True)
class Cause:
    """One answer a reader can give: ``id`` and the sentence the lab shows."""

    id: str
    text: str


@dataclass(frozen=True)
class Scenario:
    """One broken setup of the lab (see the comment at the top of ``troubleshooting.yaml`` for the fields)."""

    id: str
    title: str
    story: str
    client: dict[str, str]
    command: str
    manifests: str
    cause: str
    explanation: str
    expect: str
    commands: dict[str, str]
    repeat: int = 1
    not_ready: tuple[str, ...] = ()
    listens: dict[str, tuple[int, ...]] = field(default_factory=dict)
    responses: dict[str, str] = field(default_factory=dict)
    dns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    fix: str | None = None
    fix_command: str | None = None
    not_it: dict[str, str] = field(default_factory=dict)

    @property
    def namespace(self) -> str:
        return self.client.get("namespace", "default")

    @property
    def external(self) -> str | None:
        """The client's address when it is outside the cluster."""
        return self.client.get("external")


@dataclass(frozen=True)
class LabData:
    """Every cause and scenario of the lab, in file order."""

    causes: dict[str, Cause]
    scenarios: dict[str, Scenario]


def _fail(where: str, message: str) -> K8snetError:
    return K8snetError(f"troubleshooting lab data: {where}: {message}")


def _scenario(raw: Any, causes: dict[str, Cause], index: int) -> Scenario:
    where = f"scenarios[{index}]"
    if not isinstance(raw, dict):
        raise _fail(where, "a scenario is a mapping")
    where = f"scenario {raw.get('id', index)!r}"
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise _fail(where, f"unknown field(s) {', '.join(unknown)}")
    missing = [k for k in _REQUIRED if k not in raw]
    if missing:
        raise _fail(where, f"missing field(s) {', '.join(missing)}")
    if not isinstance(raw["id"], str) or not _ID.fullmatch(raw["id"]):
        raise _fail(where, "id must be lower-case letters, digits and dashes")
    if raw["cause"] not in causes:
        raise _fail(where, f"cause {raw['cause']!r} is not one of the causes")
    if (raw.get("fix") is None) == (raw.get("fix_command") is None):
        raise _fail(where, "give exactly one of fix and fix_command")
    client = raw["client"]
    if not isinstance(client, dict) or not ({"pod"} <= set(client) or set(client) == {"external"}):
        raise _fail(where, "client is {pod: NAME[, namespace: NS]} or {external: IP}")
    commands = raw["commands"]
    if not isinstance(commands, dict) or not commands:
        raise _fail(where, "commands is a mapping of button labels to commands")
    not_it = raw.get("not_it") or {}
    for cause in not_it:
        if cause not in causes:
            raise _fail(where, f"not_it names an unknown cause {cause!r}")
        if cause == raw["cause"]:
            raise _fail(where, "not_it cannot name the right cause")
    repeat = raw.get("repeat", 1)
    if not isinstance(repeat, int) or not 1 <= repeat <= 20:
        raise _fail(where, "repeat is a number from 1 to 20")
    return Scenario(
        id=raw["id"],
        title=str(raw["title"]),
        story=str(raw["story"]),
        client={k: str(v) for k, v in client.items()},
        command=str(raw["command"]),
        manifests=str(raw["manifests"]),
        cause=raw["cause"],
        explanation=str(raw["explanation"]),
        expect=str(raw["expect"]),
        commands={str(k): str(v) for k, v in commands.items()},
        repeat=repeat,
        not_ready=tuple(str(s) for s in raw.get("not_ready") or ()),
        listens={str(k): tuple(int(p) for p in v) for k, v in (raw.get("listens") or {}).items()},
        responses={str(k): str(v) for k, v in (raw.get("responses") or {}).items()},
        dns={str(k): tuple(str(ip) for ip in v) for k, v in (raw.get("dns") or {}).items()},
        fix=raw.get("fix"),
        fix_command=raw.get("fix_command"),
        not_it={str(k): str(v) for k, v in not_it.items()},
    )


def parse_lab(text: str) -> LabData:
    """Read lab data (the format of ``troubleshooting.yaml``); bad data is a :class:`K8snetError` naming the
    scenario and the field.

    >>> parse_lab("causes: {a: A}\\nscenarios: [{id: x}]")
    Traceback (most recent call last):
    ...
    k8snet.errors.K8snetError: troubleshooting lab data: scenario 'x': missing field(s) title, story, client, command, manifests, cause, explanation, expect, commands
    """
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _fail("file", f"not YAML ({exc})") from None
    if not isinstance(raw, dict) or set(raw) != {"causes", "scenarios"}:
        raise _fail("file", "the top level has exactly two keys, causes and scenarios")
    if not isinstance(raw["causes"], dict) or not raw["causes"]:
        raise _fail("causes", "a mapping of id to sentence")
    causes = {}
    for cid, text_ in raw["causes"].items():
        if not isinstance(cid, str) or not _ID.fullmatch(cid):
            raise _fail("causes", f"bad id {cid!r}")
        causes[cid] = Cause(cid, str(text_))
    scenarios: dict[str, Scenario] = {}
    for i, s in enumerate(raw["scenarios"] or []):
        sc = _scenario(s, causes, i)
        if sc.id in scenarios:
            raise _fail(f"scenario {sc.id!r}", "the id is used twice")
        scenarios[sc.id] = sc
    return LabData(causes, scenarios)


@lru_cache(maxsize=1)
def load_lab() -> LabData:
    """The book's lab: ``k8snet/data/troubleshooting.yaml``.

    >>> lab = load_lab()
    >>> len(lab.scenarios) >= 8, lab.scenarios["orders"].cause
    (True, 'selector-matches-nothing')
    """
    text = resources.files("k8snet.data").joinpath("troubleshooting.yaml").read_text(encoding="utf-8")
    return parse_lab(text)


def lab_messages(data: LabData | None = None) -> list[str]:
    """The lab file's prose, for the library's catalog (``make catalogs``): every cause's sentence, and each
    scenario's title, story, explanation, ``not_it`` reasons and step labels.

    >>> "The Service's selector matches no Pod" in lab_messages()
    True
    """
    data = data or load_lab()
    found = [c.text for c in data.causes.values()]
    for s in data.scenarios.values():
        found += [s.title, s.story, s.explanation, *s.not_it.values(), *s.commands]
    return list(dict.fromkeys(found))


def _localized(s: Scenario) -> Scenario:
    """``s`` with its prose in the language of :mod:`k8snet.i18n` (step labels are translated where shown)."""
    return dataclasses.replace(
        s,
        title=_(s.title),
        story=_(s.story),
        explanation=_(s.explanation),
        not_it={k: _(v) for k, v in s.not_it.items()},
    )


# --- results ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommandResult:
    """What a command printed, as a shell shows it: ``stdout``, ``stderr`` and the exit status."""

    command: str
    stdout: str
    stderr: str
    exit_code: int

    @property
    def text(self) -> str:
        """Both streams as a terminal shows them (stdout first: the lab's commands print on one or the other)."""
        return self.stdout + self.stderr

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Verdict:
    """The checker's answer: ``correct`` and what it says."""

    answer: str
    correct: bool
    message: str

    def __str__(self) -> str:
        return self.message

    def _repr_html_(self) -> str:
        color = "#1a7f37" if self.correct else "#b42318"
        return f'<p style="color:{color}"><strong>{html_lib.escape(self.message)}</strong></p>'


@dataclass(frozen=True)
class _Fetch:
    """One HTTP fetch as the model sees it."""

    kind: str  # "ok", "refused", "timeout", "unresolved"
    host: str
    port: int
    ip: str | None = None
    body: str = ""


# --- the lab ---------------------------------------------------------------------------------------------------


def _selector(text: str) -> dict[str, str]:
    out = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise K8snetError(f"bad label selector {text!r}: use key=value[,key=value]")
        out[key.strip()] = value.strip()
    return out


def _matches(labels: dict[str, str] | None, selector: str) -> bool:
    labels = labels or {}
    return all(labels.get(k) == v for k, v in _selector(selector).items())


class Lab:
    """One scenario, built in a fresh kind-like cluster.

    Parameters
    ----------
    scenario : str or Scenario
        A scenario of :func:`load_lab`, by id, or a :class:`Scenario`.
    seed : int
        Seeds the cluster (names, addresses) and every random endpoint choice.
    mode : str
        The proxy mode :meth:`run` uses for ``curl``/``wget`` (``k8snet trace`` takes ``--proxy-mode``).
    """

    def __init__(self, scenario: str | Scenario, seed: int = 0, mode: str = "iptables"):
        from k8snet.dns import DNS
        from k8snet.sim.cluster import Cluster

        data = load_lab()
        if isinstance(scenario, str):
            if scenario not in data.scenarios:
                raise K8snetError(
                    f"no scenario {scenario!r} in the lab; choose one of {', '.join(data.scenarios)}"
                )
            scenario = data.scenarios[scenario]
        self._scenario = scenario
        self.causes = data.causes
        self.seed = seed
        self.mode = mode
        self.fixed = False
        self._runs = 0
        self.cluster = Cluster(seed=seed)
        self.cluster.apply(scenario.manifests)
        ns = scenario.namespace
        for sel in scenario.not_ready:
            for pod in self.cluster.pods(ns, _selector(sel)):
                self.cluster.kubelet.set_ready(pod.metadata.name, False, ns)
        self.cluster.reconcile()
        self.dns = DNS(self.cluster, external={k: list(v) for k, v in scenario.dns.items()})
        if scenario.external is None:
            self.cluster.get("Pod", scenario.client["pod"], ns)  # the client must exist

    @property
    def scenario(self) -> Scenario:
        """The scenario, its prose in the language of :mod:`k8snet.i18n` (``story``, ``title``, ...)."""
        return _localized(self._scenario)

    # -- the scenario's command --
    @property
    def command(self) -> str:
        """What the client runs now (the scenario's command, or the corrected one once fixed)."""
        s = self._scenario
        return s.fix_command if self.fixed and s.fix_command else s.command

    @property
    def prompt(self) -> str:
        """The command as typed at a terminal: ``kubectl exec`` into the client Pod, or on the outside machine."""
        s = self._scenario
        if s.external is not None:
            return self.expand(self.command)
        ns = f"-n {s.namespace} " if s.namespace != "default" else ""
        return f"kubectl exec {ns}{s.client['pod']} -- {self.expand(self.command)}"

    def output(self, mode: str | None = None, run: int = 0) -> str:
        """What the client's command prints in ``mode`` on its ``run``-th try (each try a new connection)."""
        return self._client_command(self.command, mode or self.mode, self.seed + run).text

    def outputs(self, mode: str | None = None) -> list[str]:
        """The output of each of the scenario's ``repeat`` runs."""
        return [self.output(mode, i) for i in range(self._scenario.repeat)]

    def symptoms(self) -> dict[str, list[str]]:
        """The outputs in every proxy mode."""
        return {mode: self.outputs(mode) for mode in MODES}

    def symptom_text(self) -> str:
        """The symptom as the lab presents it: the command and what it printed, per proxy mode when the modes
        differ."""
        by_mode = self.symptoms()
        lines = [f"$ {self.prompt}"]
        if len({tuple(v) for v in by_mode.values()}) == 1:
            lines += [o.rstrip("\n") for o in next(iter(by_mode.values()))]
            lines.append(_("(the same in iptables, IPVS and nftables mode)"))
        else:
            for mode, outs in by_mode.items():
                lines.append(f"[{mode}]")
                lines += [o.rstrip("\n") for o in outs]
        return "\n".join(lines)

    # -- answers --
    def check(self, answer: str) -> Verdict:
        """Whether ``answer`` (a cause's id or its sentence) is the cause of this scenario."""
        key = answer.strip()
        # the sentence in English or in the reader's language
        by_text = {t.lower(): c.id for c in self.causes.values() for t in (c.text, _(c.text))}
        cause = key if key in self.causes else by_text.get(key.lower())
        if cause is None:
            raise K8snetError(
                f"{answer!r} is not one of the lab's causes; answer with one of: {', '.join(self.causes)}"
            )
        s = self.scenario
        said = _(self.causes[cause].text)
        if cause == s.cause:
            return Verdict(
                cause, True, _("Right: {cause}. {explanation}").format(cause=said, explanation=s.explanation)
            )
        why = s.not_it.get(
            cause, _("Look again at what the steps show: which of them is not what you expect?")
        )
        return Verdict(cause, False, _("Not this one ({cause}). {why}").format(cause=said, why=why))

    def apply_fix(self) -> None:
        """Repair the setup as the scenario says: apply its fix (then let terminating Pods go) or switch the
        client to the corrected command."""
        s = self._scenario
        if s.fix:
            self.cluster.apply(s.fix)
            self.cluster.clock.advance(seconds=31)
        self.fixed = True

    def works(self) -> bool:
        """Whether the client's command prints what it should, in every proxy mode and on every run."""
        expected = self._scenario.expect + "\n"
        return all(out == expected for outs in self.symptoms().values() for out in outs)

    # -- commands --
    def expand(self, command: str) -> str:
        """Fill in ``{node:NAME}`` (the node's InternalIP), ``{svc:[NAMESPACE/]NAME}`` (the Service's ClusterIP) and
        ``{pod:SELECTOR}`` (the first matching Pod's IP in the client's namespace)."""

        def sub(m: re.Match) -> str:
            kind, arg = m.group(1), m.group(2)
            if kind == "node":
                return self.cluster.node_ip(arg)
            if kind == "svc":
                ns, _, name = arg.rpartition("/")
                return self.cluster.get("Service", name, ns or self._scenario.namespace).spec.clusterIP
            pods = sorted(
                self.cluster.pods(self._scenario.namespace, _selector(arg)), key=lambda p: p.metadata.name
            )
            if not pods or not pods[0].status or not pods[0].status.podIP:
                raise K8snetError(f"no running Pod matches {arg}")
            return pods[0].status.podIP

        return re.sub(r"\{(node|pod|svc):([^}]+)\}", sub, command)

    def run(self, command: str, mode: str | None = None) -> CommandResult:
        """Run one command as on a real cluster's terminal; errors are printed, never raised."""
        mode = mode or self.mode
        try:
            line = self.expand(command.strip())
            words = shlex.split(line)
        except (ValueError, K8snetError) as exc:
            return CommandResult(command, "", f"{exc}\n", 1)
        if not words:
            return CommandResult(command, "", "", 0)
        self._runs += 1
        seed = self.seed + 1000 + self._runs
        try:
            if words[0] == "kubectl" and "exec" in words[1:3]:
                return self._exec(line, words, mode, seed)
            if words[0] == "kubectl":
                return self._kubectl(line)
            if words[0] == "k8snet" and words[1:2] == ["trace"]:
                return self._trace(line, words[2:], mode, seed)
            if words[0] in ("curl", "wget"):
                if self._scenario.external is None:
                    return CommandResult(
                        line,
                        "",
                        f"k8snet lab: this scenario's client is a Pod; run it there: kubectl exec "
                        f"{self._scenario.client['pod']} -- {line}\n",
                        1,
                    )
                return self._client_command(line, mode, seed)
        except K8snetError as exc:
            return CommandResult(line, "", f"{exc}\n", 1)
        return CommandResult(
            line,
            "",
            f"k8snet lab: {words[0]}: not modelled (the lab runs kubectl, kubectl exec ... -- nslookup/curl/"
            "wget, curl and wget from outside machines, and k8snet trace)\n",
            127,
        )

    def _kubectl(self, line: str) -> CommandResult:
        from k8snet.errors import KubectlError

        try:
            out = self.cluster.kubectl(line)
        except KubectlError as exc:
            return CommandResult(line, getattr(exc, "stdout", "") or "", f"{exc}\n", 1)
        return CommandResult(line, str(out), getattr(out, "stderr", ""), 0)

    def _exec(self, line: str, words: list[str], mode: str, seed: int) -> CommandResult:
        if "--" not in words:
            return CommandResult(
                line, "", "error: you must specify at least one command for the container\n", 1
            )
        sep = words.index("--")
        head, cmd = words[1:sep], words[sep + 1 :]
        namespace = "default"
        rest = []
        i = 0
        while i < len(head):
            w = head[i]
            if w in ("-n", "--namespace") and i + 1 < len(head):
                namespace = head[i + 1]
                i += 2
                continue
            if w.startswith("--namespace="):
                namespace = w.split("=", 1)[1]
            elif w in ("-it", "-ti", "-i", "-t"):
                pass
            elif w in ("-c", "--container") and i + 1 < len(head):
                i += 1
            elif w != "exec":
                rest.append(w)
            i += 1
        if len(rest) != 1:
            return CommandResult(
                line, "", "error: expected 'exec POD_NAME COMMAND [ARG1] [ARG2] ... [ARGN]'.\n", 1
            )
        pod = self.cluster.get("Pod", rest[0], namespace)
        if not cmd:
            return CommandResult(
                line, "", "error: you must specify at least one command for the container\n", 1
            )
        missing = _missing_tool(pod, cmd[0])
        if missing:
            return CommandResult(line, "", missing, 126)
        if cmd[0] == "nslookup":
            if len(cmd) != 2:
                return CommandResult(line, "", "k8snet lab: nslookup NAME (one name, no server)\n", 1)
            out = self.dns.nslookup(cmd[1], pod=pod)
            return CommandResult(line, str(out), "", getattr(out, "exit_code", 0))
        if cmd[0] in ("curl", "wget"):
            return dataclasses.replace(self._client_command(shlex.join(cmd), mode, seed, pod), command=line)
        return CommandResult(
            line,
            "",
            f"k8snet lab: {cmd[0]}: not modelled in a Pod (the lab runs nslookup, curl and wget there)\n",
            127,
        )

    def _trace(self, line: str, args: list[str], mode: str, seed: int) -> CommandResult:
        opts: dict[str, str] = {}
        i = 0
        while i < len(args):
            a = args[i]
            key, eq, value = a.partition("=")
            if key in ("--from", "--to", "--proxy-mode", "--protocol") and (eq or i + 1 < len(args)):
                if not eq:
                    value = args[i + 1]
                    i += 1
                opts[key] = value
            else:
                return CommandResult(line, "", f"error: unknown flag: {a}\n", 1)
            i += 1
        if "--from" not in opts or "--to" not in opts:
            return CommandResult(line, "", "error: k8snet trace needs --from and --to\n", 1)
        t = trace(
            self.cluster,
            opts["--from"],
            opts["--to"],
            protocol=opts.get("--protocol"),
            mode=opts.get("--proxy-mode", mode),
            seed=seed,
        )
        return CommandResult(line, t.text() + "\n", "", 0)

    # -- the client programs --
    def _client_command(self, line: str, mode: str, seed: int, pod: Any = None) -> CommandResult:
        words = shlex.split(self.expand(line))
        if pod is None and self._scenario.external is None:
            s = self._scenario
            pod = self.cluster.get("Pod", s.client["pod"], s.namespace)
        if words[0] == "curl":
            return self._curl(line, words[1:], mode, seed, pod)
        return self._wget(line, words[1:], mode, seed, pod)

    def _curl(self, line: str, args: list[str], mode: str, seed: int, pod: Any) -> CommandResult:
        silent = show_errors = False
        timeout: float | None = None
        url = None
        i = 0
        while i < len(args):
            a = args[i]
            if a == "--connect-timeout" and i + 1 < len(args):
                timeout = _seconds(args[i + 1])
                i += 2
                continue
            if a.startswith("--connect-timeout="):
                timeout = _seconds(a.split("=", 1)[1])
            elif re.fullmatch(r"-[sS]+", a):
                silent = silent or "s" in a
                show_errors = show_errors or "S" in a
            elif a in ("--silent", "--show-error"):
                silent = silent or a == "--silent"
                show_errors = show_errors or a == "--show-error"
            elif a.startswith("-"):
                return CommandResult(
                    line,
                    "",
                    f"k8snet lab: curl {a}: not modelled (the lab's curl takes -s, -S, --connect-timeout)\n",
                    2,
                )
            elif url is None:
                url = a
            i += 1
        if url is None:
            return CommandResult(line, "", "k8snet lab: curl needs a URL\n", 2)
        if timeout is None:
            return CommandResult(
                line,
                "",
                "k8snet lab: give curl --connect-timeout SECONDS: the model does not wait out the kernel's "
                "SYN retries\n",
                2,
            )
        f = self._fetch(url, mode, seed, pod)
        if f.kind == "ok":
            return CommandResult(line, f.body + "\n", "", 0)
        if f.kind == "unresolved":
            code, msg = 6, f"Could not resolve host: {f.host}"
        elif f.kind == "refused":
            code, msg = (
                7,
                f"Failed to connect to {f.host} port {f.port} after 0 ms: Couldn't connect to server",
            )
        else:
            code = 28
            msg = f"Failed to connect to {f.host} port {f.port} after {int(timeout * 1000) + 1} ms: Timeout was reached"
        err = f"curl: ({code}) {msg}\n" if (show_errors or not silent) else ""
        return CommandResult(line, "", err, code)

    def _wget(self, line: str, args: list[str], mode: str, seed: int, pod: Any) -> CommandResult:
        quiet = False
        to_stdout = False
        timeout: float | None = None
        url = None
        i = 0
        while i < len(args):
            a = args[i]
            if a == "-O" and i + 1 < len(args):
                to_stdout = args[i + 1] == "-"
                i += 2
                continue
            if a == "-T" and i + 1 < len(args):
                timeout = _seconds(args[i + 1])
                i += 2
                continue
            if a.startswith("--timeout="):
                timeout = _seconds(a.split("=", 1)[1])
            elif re.fullmatch(r"-T\d+", a):
                timeout = _seconds(a[2:])
            elif re.fullmatch(r"-q?O-?|-q", a) or a in ("-qO-", "-O-"):
                quiet = quiet or "q" in a
                to_stdout = to_stdout or a.endswith("O-")
            elif a.startswith("-"):
                return CommandResult(
                    line, "", f"k8snet lab: wget {a}: not modelled (the lab's wget takes -q, -O -, -T)\n", 1
                )
            elif url is None:
                url = a
            i += 1
        if url is None:
            return CommandResult(line, "", "k8snet lab: wget needs a URL\n", 1)
        if timeout is None:
            return CommandResult(
                line,
                "",
                "k8snet lab: give wget -T SECONDS: the model does not wait out the kernel's SYN retries\n",
                1,
            )
        f = self._fetch(url, mode, seed, pod)
        host_text = f.host if url.split("//", 1)[-1].split("/")[0].count(":") == 0 else f"{f.host}:{f.port}"
        connecting = "" if quiet or f.ip is None else f"Connecting to {host_text} ({f.ip}:{f.port})\n"
        if f.kind == "ok":
            if not to_stdout:
                return CommandResult(line, "", connecting + ("" if quiet else "saving to 'index.html'\n"), 0)
            extra = "" if quiet else "writing to stdout\n"
            done = "" if quiet else "written to stdout\n"
            return CommandResult(line, f.body + "\n", connecting + extra + done, 0)
        if f.kind == "unresolved":
            return CommandResult(line, "", f"wget: bad address '{host_text}'\n", 1)
        if f.kind == "refused":
            return CommandResult(
                line, "", connecting + f"wget: can't connect to remote host ({f.ip}): Connection refused\n", 1
            )
        return CommandResult(line, "", connecting + "wget: download timed out\n", 1)

    def _fetch(self, url: str, mode: str, seed: int, pod: Any) -> _Fetch:
        m = re.fullmatch(r"(?:http://)?([^/:?#]+)(?::(\d+))?(?:[/?#].*)?", url)
        if not m or url.startswith(("https://", "ftp://")):
            raise K8snetError(f"k8snet lab: only http:// URLs are modelled, not {url!r}")
        host, port = m.group(1), int(m.group(2) or 80)
        if _is_ip(host):
            ip = host
        elif pod is None:
            return _Fetch("unresolved", host, port)  # a machine outside the cluster has no cluster DNS
        else:
            result = self.dns.resolve(host, pod=pod)
            addresses = [r.data for r in result.answers if r.type == "A"]
            if not addresses:
                return _Fetch("unresolved", host, port)
            ip = addresses[0]
        source = (
            f"{pod.metadata.namespace or 'default'}/{pod.metadata.name}"
            if pod is not None
            else self._scenario.external
        )
        t = trace(self.cluster, source, f"{ip}:{port}", mode=mode, seed=seed)
        o = t.chosen
        if o.verdict == "REJECT":
            return _Fetch("refused", host, port, ip)
        if o.verdict != "delivered":
            return _Fetch("timeout", host, port, ip)
        kind, name = o.delivered_to or ("", "")
        dst_ip, _, dst_port_text = (o.endpoint or "").rpartition(":")
        dst_port = int(dst_port_text) if dst_port_text.isdigit() else port
        if kind == "pod":
            if t.source_kind == "external" and o.source_seen == t.source_ip and o.node != t.entry_node:
                # the Pod answers the client directly from its own address: the client drops the reply
                return _Fetch("timeout", host, port, ip)
            listening, body = self._pod_server(name, dst_port)
        elif kind == "external":
            if _is_cluster_address(self.cluster, dst_ip):
                return _Fetch("timeout", host, port, ip)  # a cluster-only address routed out: nothing answers
            key = f"{dst_ip}:{dst_port}"
            if key not in self._scenario.responses and dst_ip not in self._scenario.responses:
                return _Fetch("timeout", host, port, ip)
            listening, body = (
                True,
                self._scenario.responses.get(key, self._scenario.responses.get(dst_ip, "")),
            )
        else:
            return _Fetch("timeout", host, port, ip)
        if not listening:
            return _Fetch("refused", host, port, ip)
        return _Fetch("ok", host, port, ip, body)

    def _pod_server(self, key: str, port: int) -> tuple[bool, str]:
        ns, _, name = key.partition("/")
        pod = self.cluster.get("Pod", name, ns)
        labels = pod.metadata.labels or {}
        ports: set[int] | None = None
        for sel, listens in self._scenario.listens.items():
            if _matches(labels, sel):
                ports = set(listens)
                break
        if ports is None:
            ports = {
                p.containerPort
                for c in (pod.spec.containers or [])
                for p in (c.ports or [])
                if p.containerPort
            }
        body = next(
            (text for sel, text in self._scenario.responses.items() if "=" in sel and _matches(labels, sel)),
            "",
        )
        return port in ports, body


#: The client tools each image has: curlimages/curl is Alpine (busybox's wget and nslookup, plus curl);
#: busybox has wget and nslookup, no curl.
_TOOLS = {"curlimages/curl": {"curl", "wget", "nslookup"}, "busybox": {"wget", "nslookup"}}


def _missing_tool(pod: Any, tool: str) -> str:
    """A message when none of ``pod``'s containers has ``tool`` (empty when one has it)."""
    images = [c.image or "" for c in (pod.spec.containers or [])]
    for image in images:
        repo = image.split("@")[0].rsplit(":", 1)[0] if ":" in image.split("/")[-1] else image.split("@")[0]
        if tool in _TOOLS.get(repo, set()):
            return ""
    return (
        f"k8snet lab: the container image {', '.join(images) or '?'} has no {tool} in the model "
        f"(curlimages/curl has curl, wget and nslookup; busybox has wget and nslookup)\n"
    )


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise K8snetError(f"k8snet lab: {text!r} is not a number of seconds") from None
    if value <= 0:
        raise K8snetError("k8snet lab: a timeout must be positive")
    return value


def _is_ip(text: str) -> bool:
    parts = text.split(".")
    return len(parts) == 4 and all(p.isdigit() and int(p) <= 255 for p in parts)


def _is_cluster_address(cluster: Any, ip: str) -> bool:
    """A Service ClusterIP: routed nowhere outside kube-proxy's rules."""
    for svc in cluster.services(None):
        if svc.spec and ip in (svc.spec.clusterIPs or [svc.spec.clusterIP]):
            return True
    return False
