"""Validation of batch/v1 Jobs and CronJobs.

A port of kubernetes/kubernetes v1.34 ``pkg/apis/batch/validation/validation.go``: ``ValidateJob``
(``validateGeneratedSelector``, ``ValidateJobSpec``: non-negative counts, the Pod template, ``restartPolicy``
``OnFailure`` or ``Never`` — the error a Job without one meets, since Pod defaulting made it ``Always``),
``ValidateJobUpdate`` (selector, completion mode and template immutable), ``ValidateCronJobCreate`` (a name of
at most 52 characters, the schedule, the time zone's form, the concurrency policy, the job template) and the
schedule parser behind it, robfig/cron v3 ``ParseStandard`` (``parser.go``: five fields, ranges, steps, names,
``@`` descriptors).

Simplified: ``podFailurePolicy``/``successPolicy`` are not validated inside; a ``timeZone`` is checked for its
form only (no tz database lookup).

>>> parse_cron_schedule("*/5 * * * *") is None
True
>>> parse_cron_schedule("0 0 * *")
'expected exactly 5 fields, found 4: [0 0 * *]'
"""

from __future__ import annotations

import re
from typing import Any

from ..field import FieldError, Path, invalid, not_supported, required
from .core_config import validate_pod_template_spec
from .generic import IS_NEGATIVE_ERROR_MSG, name_is_dns_subdomain
from .meta_v1 import validate_label_selector
from .objectmeta import FIELD_IMMUTABLE_ERROR_MSG, validate_object_meta, validate_object_meta_update

__all__ = [
    "parse_cron_schedule",
    "validate_job",
    "validate_job_update",
    "validate_cron_job",
    "validate_cron_job_update",
    "JOB_NAME_LABELS",
    "CONTROLLER_UID_LABELS",
]

#: ``batch.LegacyJobNameLabel`` and ``batch.JobNameLabel``.
JOB_NAME_LABELS = ("job-name", "batch.kubernetes.io/job-name")
#: ``batch.LegacyControllerUidLabel`` and ``batch.ControllerUidLabel``.
CONTROLLER_UID_LABELS = ("controller-uid", "batch.kubernetes.io/controller-uid")

# --- robfig/cron v3 ParseStandard -------------------------------------------------------------------------------

_MONTHS = {m: i + 1 for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())}
_DAYS = {d: i for i, d in enumerate("sun mon tue wed thu fri sat".split())}
#: (min, max, names) per field: minute, hour, day of month, month, day of week.
_BOUNDS = [(0, 59, None), (0, 23, None), (1, 31, None), (1, 12, _MONTHS), (0, 6, _DAYS)]
_DESCRIPTORS = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")
_GO_DURATION = re.compile(r"[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+|[-+]?0")


def _atoi(expr: str) -> int:
    # strconv.Atoi: an optional sign and decimal digits
    if not re.fullmatch(r"[+-]?[0-9]+", expr):
        raise ValueError(f'failed to parse int from {expr}: strconv.Atoi: parsing "{expr}": invalid syntax')
    num = int(expr)
    if num < 0:
        raise ValueError(f"negative number ({num}) not allowed: {expr}")
    return num


def _int_or_name(expr: str, names: dict[str, int] | None) -> int:
    if names is not None and expr.lower() in names:
        return names[expr.lower()]
    return _atoi(expr)


def _check_range(expr: str, lo: int, hi: int, names: dict[str, int] | None) -> None:
    range_and_step = expr.split("/")
    low_high = range_and_step[0].split("-")
    single = len(low_high) == 1
    if low_high[0] in ("*", "?"):
        start, end = lo, hi
    else:
        start = _int_or_name(low_high[0], names)
        if len(low_high) == 1:
            end = start
        elif len(low_high) == 2:
            end = _int_or_name(low_high[1], names)
        else:
            raise ValueError(f"too many hyphens: {expr}")
    if len(range_and_step) == 1:
        step = 1
    elif len(range_and_step) == 2:
        step = _atoi(range_and_step[1])
        if single:  # "N/step" means "N-max/step"
            end = hi
    else:
        raise ValueError(f"too many slashes: {expr}")
    if start < lo:
        raise ValueError(f"beginning of range ({start}) below minimum ({lo}): {expr}")
    if end > hi:
        raise ValueError(f"end of range ({end}) above maximum ({hi}): {expr}")
    if start > end:
        raise ValueError(f"beginning of range ({start}) beyond end of range ({end}): {expr}")
    if step == 0:
        raise ValueError(f"step of range should be a positive number: {expr}")


def parse_cron_schedule(spec: str) -> str | None:
    """The error robfig/cron v3 ``ParseStandard`` returns for ``spec`` (``None`` when it parses).

    >>> parse_cron_schedule("0 25 * * *")
    'end of range (25) above maximum (23): 25'
    >>> parse_cron_schedule("@every 1h"), parse_cron_schedule("@weekly"), parse_cron_schedule("@often")
    (None, None, 'unrecognized descriptor: @often')
    """
    if not spec:
        return "empty spec string"
    if spec.startswith(("TZ=", "CRON_TZ=")):
        # a time zone prefix: validated by the caller (TZ in the schedule is refused on create)
        i = spec.find(" ")
        if i < 0:
            return "expected exactly 5 fields, found 0: []"
        spec = spec[i:].strip()
    if spec.startswith("@"):
        if spec in _DESCRIPTORS:
            return None
        if spec.startswith("@every "):
            text = spec[len("@every ") :]
            if not _GO_DURATION.fullmatch(text):
                return f'failed to parse duration {spec}: time: invalid duration "{text}"'
            return None
        return f"unrecognized descriptor: {spec}"
    fields = spec.split()
    if len(fields) != 5:
        return f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]"
    try:
        for expr, (lo, hi, names) in zip(fields, _BOUNDS, strict=True):
            for part in (p for p in expr.split(",") if p):
                _check_range(part, lo, hi, names)
    except ValueError as err:
        return str(err)
    return None


# --- Jobs ----------------------------------------------------------------------------------------------------


def _non_negative(value: int | None, path: Path) -> list[FieldError]:
    return [invalid(path, value, IS_NEGATIVE_ERROR_MSG)] if value is not None and value < 0 else []


def _validate_job_spec_common(spec: Any, path: Path) -> list[FieldError]:
    """``validateJobSpec``: what a Job and a CronJob's job template share."""
    errs: list[FieldError] = []
    if spec is None:
        return [required(path.child("template"))]
    errs += _non_negative(spec.parallelism, path.child("parallelism"))
    errs += _non_negative(spec.completions, path.child("completions"))
    errs += _non_negative(spec.activeDeadlineSeconds, path.child("activeDeadlineSeconds"))
    errs += _non_negative(spec.backoffLimit, path.child("backoffLimit"))
    errs += _non_negative(spec.ttlSecondsAfterFinished, path.child("ttlSecondsAfterFinished"))
    errs += _non_negative(spec.backoffLimitPerIndex, path.child("backoffLimitPerIndex"))
    errs += _non_negative(spec.maxFailedIndexes, path.child("maxFailedIndexes"))
    if spec.maxFailedIndexes is not None and spec.backoffLimitPerIndex is None:
        errs.append(required(path.child("backoffLimitPerIndex"), "when maxFailedIndexes is specified"))
    mode = spec.completionMode
    if mode is not None:
        if mode not in ("NonIndexed", "Indexed"):
            errs.append(not_supported(path.child("completionMode"), mode, ["NonIndexed", "Indexed"]))
        if mode == "Indexed" and spec.completions is None:
            errs.append(required(path.child("completions"), "when completion mode is Indexed"))
    if mode is None or mode == "NonIndexed":
        if spec.backoffLimitPerIndex is not None:
            errs.append(
                invalid(
                    path.child("backoffLimitPerIndex"),
                    spec.backoffLimitPerIndex,
                    "requires indexed completion mode",
                )
            )
        if spec.maxFailedIndexes is not None:
            errs.append(
                invalid(
                    path.child("maxFailedIndexes"), spec.maxFailedIndexes, "requires indexed completion mode"
                )
            )
    if spec.podReplacementPolicy is not None and spec.podReplacementPolicy not in (
        "Failed",
        "TerminatingOrFailed",
    ):
        errs.append(
            not_supported(
                path.child("podReplacementPolicy"),
                spec.podReplacementPolicy,
                ["Failed", "TerminatingOrFailed"],
            )
        )
    errs += validate_pod_template_spec(spec.template, path.child("template"))
    rp = (spec.template.spec.restartPolicy if spec.template and spec.template.spec else None) or ""
    rpath = path.child("template", "spec", "restartPolicy")
    # Pod defaulting turns an unset restartPolicy into Always, so both mean "not chosen" here.
    if rp in ("Always", ""):
        errs.append(required(rpath, 'valid values: "OnFailure", "Never"'))
    elif rp not in ("OnFailure", "Never"):
        errs.append(not_supported(rpath, rp, ["OnFailure", "Never"]))
    elif spec.podFailurePolicy is not None and rp != "Never":
        errs.append(invalid(rpath, rp, 'only "Never" is supported when podFailurePolicy is specified'))
    return errs


def _selector_dict(selector: Any) -> Any:
    return selector.to_dict() if selector is not None else None


def _validate_job_spec(spec: Any, path: Path) -> list[FieldError]:
    """``ValidateJobSpec``: the common rules, a selector, and the template's labels matching it."""
    errs = _validate_job_spec_common(spec, path)
    selector = spec.selector if spec else None
    if selector is None:
        errs.append(required(path.child("selector")))
    else:
        errs += validate_label_selector(selector, path.child("selector"))
    labels = (
        spec.template.metadata.labels if spec and spec.template and spec.template.metadata else None
    ) or {}
    if selector is None or not selector.matches(labels):
        errs.append(
            invalid(
                path.child("template", "metadata", "labels"),
                dict(labels),
                "`selector` does not match template `labels`",
            )
        )
    return errs


def _validate_generated_selector(job: Any) -> list[FieldError]:
    """``validateGeneratedSelector``: unless ``manualSelector``, the template carries the generated labels and
    the selector selects them."""
    spec = job.spec
    if spec is None or spec.manualSelector or spec.selector is None:
        return []
    errs: list[FieldError] = []
    uid, name = job.metadata.uid or "", job.metadata.name or ""
    if not uid:
        errs.append(required(Path("metadata", "uid")))
    labels = (spec.template.metadata.labels if spec.template and spec.template.metadata else None) or {}
    tpath = Path("spec", "template", "metadata")
    expected = {
        CONTROLLER_UID_LABELS[0]: uid,
        JOB_NAME_LABELS[0]: name,
        CONTROLLER_UID_LABELS[1]: uid,
        JOB_NAME_LABELS[1]: name,
    }
    # ValidateHasLabel for the legacy labels, then (RequirePrefixedLabels on create) the prefixed ones
    for key in (CONTROLLER_UID_LABELS[0], JOB_NAME_LABELS[0], CONTROLLER_UID_LABELS[1], JOB_NAME_LABELS[1]):
        value = expected[key]
        if key not in labels:
            errs.append(required(tpath.child("labels").key(key), key))
        elif labels[key] != value:
            errs.append(invalid(tpath.child("labels").key(key), dict(labels), f"must be '{value}'"))
    if not spec.selector.matches(expected):
        errs.append(
            invalid(Path("spec", "selector"), _selector_dict(spec.selector), "`selector` not auto-generated")
        )
    return errs


def validate_job(job: Any) -> list[FieldError]:
    """``ValidateJob``: a DNS-1123 subdomain name, the generated selector, the spec.

    >>> from k8snet.api.batch_v1 import Job
    >>> from k8snet.apiserver.defaulting import generate_job_selector, set_defaults_job
    >>> job = Job(metadata={"name": "pi", "namespace": "default", "uid": "u1"},
    ...     spec={"template": {"spec": {"containers": [{"name": "pi", "image": "perl"}]}}})
    >>> set_defaults_job(job); generate_job_selector(job)
    >>> [str(e) for e in validate_job(job)]
    ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']
    """
    errs = validate_object_meta(job.metadata, True, name_is_dns_subdomain, Path("metadata"))
    errs += _validate_generated_selector(job)
    errs += _validate_job_spec(job.spec, Path("spec"))
    spec = job.spec
    if spec is not None and spec.completionMode == "Indexed" and (spec.completions or 0) > 0:
        # the job controller appends -<index> to the pod hostname
        hostname = f"{job.metadata.name}-{spec.completions - 1}"
        from .util import is_dns1123_label

        if is_dns1123_label(hostname):
            errs.append(
                invalid(
                    Path("metadata", "name"),
                    job.metadata.name,
                    f"will not able to create pod with invalid DNS label: {hostname}",
                )
            )
    return errs


def validate_job_update(job: Any, old: Any) -> list[FieldError]:
    """``ValidateJobUpdate``: the spec as on create; selector, completion mode and the Pod template are
    immutable (``completions`` may only change with ``parallelism`` for Indexed Jobs: not modelled)."""
    errs = validate_object_meta_update(job.metadata, old.metadata, Path("metadata"))
    errs += _validate_job_spec(job.spec, Path("spec"))
    new, prev = job.spec, old.spec
    if new is not None and prev is not None:
        if new.completions != prev.completions:
            errs.append(invalid(Path("spec", "completions"), new.completions, FIELD_IMMUTABLE_ERROR_MSG))
        if _selector_dict(new.selector) != _selector_dict(prev.selector):
            errs.append(
                invalid(Path("spec", "selector"), _selector_dict(new.selector), FIELD_IMMUTABLE_ERROR_MSG)
            )
        if (new.template.to_dict() if new.template else None) != (
            prev.template.to_dict() if prev.template else None
        ):
            errs.append(
                invalid(
                    Path("spec", "template"),
                    new.template.to_dict() if new.template else None,
                    FIELD_IMMUTABLE_ERROR_MSG,
                )
            )
        if new.completionMode != prev.completionMode:
            errs.append(
                invalid(Path("spec", "completionMode"), new.completionMode, FIELD_IMMUTABLE_ERROR_MSG)
            )
    return errs


# --- CronJobs ------------------------------------------------------------------------------------------------

_TZ_PART = re.compile(r"[A-Za-z.\-_0-9+]{1,14}")


def _validate_cron_job_spec(spec: Any, old_spec: Any, path: Path) -> list[FieldError]:
    errs: list[FieldError] = []
    schedule = (spec.schedule if spec else None) or ""
    if not schedule:
        errs.append(required(path.child("schedule")))
    else:
        problem = parse_cron_schedule(schedule)
        if problem is not None:
            errs.append(invalid(path.child("schedule"), schedule, problem))
        allow_tz = old_spec is not None and "TZ" in (old_spec.schedule or "")
        if allow_tz and "TZ" in schedule and spec.timeZone is not None:
            errs.append(
                invalid(
                    path.child("schedule"),
                    schedule,
                    "cannot use both timeZone field and TZ or CRON_TZ in schedule",
                )
            )
        elif not allow_tz and "TZ" in schedule:
            errs.append(
                invalid(
                    path.child("schedule"),
                    schedule,
                    "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
                )
            )
    if spec is None:
        return errs
    errs += _non_negative(spec.startingDeadlineSeconds, path.child("startingDeadlineSeconds"))
    tz = spec.timeZone
    if tz is not None and (old_spec is None or old_spec.timeZone != tz):
        tpath = path.child("timeZone")
        if not tz:
            errs.append(invalid(tpath, tz, "timeZone must be nil or non-empty string"))
        elif any(p in (".", "..") or p.startswith("-") or not _TZ_PART.fullmatch(p) for p in tz.split("/")):
            errs.append(invalid(tpath, tz, f"unknown time zone {tz}"))
        elif tz.lower() == "local":
            errs.append(
                invalid(
                    tpath,
                    tz,
                    "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones",
                )
            )
    policy = spec.concurrencyPolicy or ""
    if not policy:
        errs.append(required(path.child("concurrencyPolicy")))
    elif policy not in ("Allow", "Forbid", "Replace"):
        errs.append(not_supported(path.child("concurrencyPolicy"), policy, ["Allow", "Forbid", "Replace"]))
    template = spec.jobTemplate
    jpath = path.child("jobTemplate")
    jspec = template.spec if template else None
    errs += _validate_job_spec_common(jspec, jpath.child("spec"))
    if jspec is not None and jspec.selector is not None:
        errs.append(
            invalid(
                jpath.child("spec", "selector"),
                _selector_dict(jspec.selector),
                "`selector` will be auto-generated",
            )
        )
    if jspec is not None and jspec.manualSelector:
        errs.append(not_supported(jpath.child("spec", "manualSelector"), True, ["nil", "false"]))
    errs += _non_negative(spec.successfulJobsHistoryLimit, path.child("successfulJobsHistoryLimit"))
    errs += _non_negative(spec.failedJobsHistoryLimit, path.child("failedJobsHistoryLimit"))
    return errs


def validate_cron_job(cj: Any) -> list[FieldError]:
    """``ValidateCronJobCreate``: name (at most 52 characters: the controller appends ``-<timestamp>`` to make
    Job names), schedule, time zone, concurrency policy, job template.

    >>> from k8snet.api.batch_v1 import CronJob
    >>> from k8snet.apiserver.defaulting import set_defaults_cron_job
    >>> cj = CronJob(metadata={"name": "hello", "namespace": "default"}, spec={"schedule": "* * * * * *",
    ...     "jobTemplate": {"spec": {"template": {"spec": {"restartPolicy": "OnFailure",
    ...     "containers": [{"name": "hello", "image": "busybox"}]}}}}})
    >>> set_defaults_cron_job(cj)
    >>> [str(e) for e in validate_cron_job(cj)]
    ['spec.schedule: Invalid value: "* * * * * *": expected exactly 5 fields, found 6: [* * * * * *]']
    """
    errs = validate_object_meta(cj.metadata, True, name_is_dns_subdomain, Path("metadata"))
    errs += _validate_cron_job_spec(cj.spec, None, Path("spec"))
    if len(cj.metadata.name or "") > 52:
        errs.append(invalid(Path("metadata", "name"), cj.metadata.name, "must be no more than 52 characters"))
    return errs


def validate_cron_job_update(cj: Any, old: Any) -> list[FieldError]:
    """``ValidateCronJobUpdate``: as on create, but the 52-character name limit is not re-checked."""
    errs = validate_object_meta_update(cj.metadata, old.metadata, Path("metadata"))
    return errs + _validate_cron_job_spec(cj.spec, old.spec, Path("spec"))
