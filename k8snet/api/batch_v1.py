"""batch/v1: Job and CronJob (kubernetes/kubernetes ``staging/src/k8s.io/api/batch/v1/types.go``).

A Job's Pods are run by :mod:`k8snet.controllers.job`; no CronJob controller runs, so a CronJob creates no Jobs
(simplification).

>>> job = Job(metadata={"name": "pi"}, spec={"template": {"spec": {"restartPolicy": "Never",
...     "containers": [{"name": "pi", "image": "perl"}]}}})
>>> job.api_info.group_resource, job.spec.template.spec.restartPolicy
('jobs.batch', 'Never')
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import StrictBool, StrictInt, StrictStr

from ._base import APIResource, K8sModel, Resource, Time
from .core_v1 import ObjectReference, PodTemplateSpec
from .meta_v1 import LabelSelector, ObjectMeta

__all__ = [
    "Job",
    "JobSpec",
    "JobStatus",
    "JobCondition",
    "JobTemplateSpec",
    "CronJob",
    "CronJobSpec",
    "CronJobStatus",
]


class JobSpec(K8sModel):
    _go_types = {"activeDeadlineSeconds": "int64"}

    parallelism: StrictInt | None = None
    completions: StrictInt | None = None
    activeDeadlineSeconds: StrictInt | None = None
    podFailurePolicy: dict[str, Any] | None = None
    successPolicy: dict[str, Any] | None = None
    backoffLimit: StrictInt | None = None
    backoffLimitPerIndex: StrictInt | None = None
    maxFailedIndexes: StrictInt | None = None
    selector: LabelSelector | None = None
    manualSelector: StrictBool | None = None
    template: PodTemplateSpec | None = None
    ttlSecondsAfterFinished: StrictInt | None = None
    completionMode: StrictStr | None = None
    suspend: StrictBool | None = None
    podReplacementPolicy: StrictStr | None = None
    managedBy: StrictStr | None = None


class JobCondition(K8sModel):
    type: StrictStr
    status: StrictStr
    lastProbeTime: Time | None = None
    lastTransitionTime: Time | None = None
    reason: StrictStr | None = None
    message: StrictStr | None = None


class JobStatus(K8sModel):
    conditions: list[JobCondition] | None = None
    startTime: Time | None = None
    completionTime: Time | None = None
    active: StrictInt | None = None
    succeeded: StrictInt | None = None
    failed: StrictInt | None = None
    terminating: StrictInt | None = None
    completedIndexes: StrictStr | None = None
    failedIndexes: StrictStr | None = None
    uncountedTerminatedPods: dict[str, Any] | None = None
    ready: StrictInt | None = None


class Job(Resource):
    api_info: ClassVar[APIResource] = APIResource("batch", "v1", "Job", "jobs", "job", categories=("all",))

    apiVersion: Literal["batch/v1"] = "batch/v1"
    kind: Literal["Job"] = "Job"
    metadata: ObjectMeta = ObjectMeta()
    spec: JobSpec | None = None
    status: JobStatus | None = None


class JobTemplateSpec(K8sModel):
    metadata: ObjectMeta | None = None
    spec: JobSpec | None = None


class CronJobSpec(K8sModel):
    _go_types = {"startingDeadlineSeconds": "int64"}

    schedule: StrictStr | None = None
    timeZone: StrictStr | None = None
    startingDeadlineSeconds: StrictInt | None = None
    concurrencyPolicy: StrictStr | None = None
    suspend: StrictBool | None = None
    jobTemplate: JobTemplateSpec | None = None
    successfulJobsHistoryLimit: StrictInt | None = None
    failedJobsHistoryLimit: StrictInt | None = None


class CronJobStatus(K8sModel):
    active: list[ObjectReference] | None = None
    lastScheduleTime: Time | None = None
    lastSuccessfulTime: Time | None = None


class CronJob(Resource):
    api_info: ClassVar[APIResource] = APIResource(
        "batch", "v1", "CronJob", "cronjobs", "cronjob", short_names=("cj",), categories=("all",)
    )

    apiVersion: Literal["batch/v1"] = "batch/v1"
    kind: Literal["CronJob"] = "CronJob"
    metadata: ObjectMeta = ObjectMeta()
    spec: CronJobSpec | None = None
    status: CronJobStatus | None = None
