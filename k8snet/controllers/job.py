"""The Job controller (kubernetes/kubernetes ``pkg/controller/job/job_controller.go``), for ``NonIndexed`` Jobs.

A Job runs Pods until ``completions`` of them have succeeded, at most ``parallelism`` at a time. Its Pods are
created from the template with ``generateName: <job>-`` (five characters from the API server's seeded
generator); the template already carries the labels the API server added when the Job was created
(``batch.kubernetes.io/job-name``, ``job-name``, ``batch.kubernetes.io/controller-uid``, ``controller-uid``:
``generateSelectorIfNeeded``), so the Pods do too.

``syncJob``, as here: the active Pods (neither terminating nor finished) are counted with the succeeded and failed
ones; while the Job is not finished, ``manageJob`` creates Pods (slow-start batches, at most ``burstReplicas``
per sync) until ``active = min(parallelism, completions - succeeded)`` (with no ``completions``: ``parallelism``
until one Pod has succeeded, then no new ones), or deletes the surplus; ``suspend: true`` deletes the active
Pods. When ``succeeded`` reaches ``completions`` the Job gets the condition ``SuccessCriteriaMet`` and then
``Complete`` (reason ``CompletionsReached``, message "Reached expected number of succeeded pods"),
``completionTime``, and the event ``Completed`` "Job completed"; when more Pods have failed than
``backoffLimit`` allows, ``FailureTarget`` and then ``Failed`` (reason ``BackoffLimitExceeded``, "Job has reached
the specified backoff limit") and the event ``BackoffLimitExceeded``. Status: ``startTime``, ``active``,
``ready``, ``succeeded``, ``failed``, ``terminating``, ``uncountedTerminatedPods``, ``conditions``.

**When a Job's Pod ends.** A container in the model runs no program, so nothing ends by itself: the simulation
ends a Pod when told to. :meth:`k8snet.controllers.kubelet.Kubelet.finish` (``Cluster.finish_pod``) ends a running
Pod's containers with an exit code (0: the Pod ``Succeeded``; else ``Failed``), and a Kubelet given
``job_pod_seconds`` ends every Job Pod with exit code 0 that many simulated seconds after it started (see the
kubelet). Either way the Job controller sees the Pod's phase, as upstream sees the kubelet's status update.

Events (component ``job-controller``): ``SuccessfulCreate`` "Created pod: <name>", ``SuccessfulDelete`` "Deleted
pod: <name>", the Warnings ``FailedCreate`` "Error creating: <error>" (the Job is retried with back-off),
``Completed`` "Job completed", ``BackoffLimitExceeded``.

A failed Pod is replaced after the Pod failure back-off: 10 s, doubling with each failure since the last success,
at most 10 min (``DefaultJobPodFailureBackOff``, ``MaxJobPodFailureBackOff``), on the simulation clock.

Simplifications, stated: finished Pods are counted from their phase (upstream tracks them with the
``batch.kubernetes.io/job-tracking`` finalizer and ``uncountedTerminatedPods``, which here stays empty); ``Indexed`` completion mode, ``podFailurePolicy``,
``successPolicy``, ``activeDeadlineSeconds`` and ``ttlSecondsAfterFinished`` are not modelled (an Indexed Job is
run as NonIndexed).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from k8snet.controllers import (
    EventRecorder,
    PodControl,
    QueueController,
    is_pod_ready,
    pod_from_template,
)
from k8snet.controllers.deployment import slow_start_batch
from k8snet.controllers.informers import object_key
from k8snet.errors import K8snetError

__all__ = ["JobController", "BURST_REPLICAS"]

#: ``job.MaxPodCreateDeletePerSync``
BURST_REPLICAS = 500
COMPONENT = "job-controller"
#: ``DefaultJobPodFailureBackOff`` and ``MaxJobPodFailureBackOff`` (seconds)
DEFAULT_POD_FAILURE_BACKOFF = 10.0
MAX_POD_FAILURE_BACKOFF = 600.0
COMPLETIONS_REACHED = ("CompletionsReached", "Reached expected number of succeeded pods")
BACKOFF_LIMIT_EXCEEDED = ("BackoffLimitExceeded", "Job has reached the specified backoff limit")


class JobController(QueueController):
    """Runs each Job's Pods to completion (see the module notes).

    Example
    -------
    >>> from k8snet.sim.cluster import Cluster
    >>> c = Cluster(preset="minikube")
    >>> _ = c.apply('''
    ... apiVersion: batch/v1
    ... kind: Job
    ... metadata: {name: pi}
    ... spec:
    ...   completions: 2
    ...   template:
    ...     spec: {restartPolicy: Never, containers: [{name: pi, image: perl}]}
    ... ''')
    >>> [p.metadata.name for p in c.pods("default")]
    ['pi-fxj2x']
    >>> _ = c.finish_pod("pi-fxj2x")
    >>> [(p.metadata.name, p.status.phase) for p in c.pods("default")]
    [('pi-fxj2x', 'Succeeded'), ('pi-htjkg', 'Running')]
    >>> _ = c.finish_pod("pi-htjkg")
    >>> print(c.kubectl("get job pi"), end="")
    NAME   STATUS     COMPLETIONS   DURATION   AGE
    pi     Complete   2/2           0s         0s
    """

    primary_kind = "Job"

    def __init__(self, api: Any, events: EventRecorder, burst_replicas: int = BURST_REPLICAS):
        super().__init__(api)
        self.events = events
        self.pod_control = PodControl(api, events, COMPONENT)
        self.burst_replicas = burst_replicas

    def register(self, informers: Any) -> None:
        self.watch_primary()
        self.watch_owned("Pod")

    def sync_key(self, key: Any) -> None:
        job = self.informer("Job").get(*key)
        if job is not None and job.metadata.deletionTimestamp is None:
            self.sync_one(job)

    def sync_one(self, job: Any) -> None:
        """``syncJob`` (NonIndexed)."""
        pods = self.owned("Pod", job)
        finished = _finished_condition(job)
        active = [
            p
            for p in pods
            if p.metadata.deletionTimestamp is None and _phase(p) not in ("Succeeded", "Failed")
        ]
        succeeded = sum(1 for p in pods if _phase(p) == "Succeeded")
        failed = sum(1 for p in pods if _phase(p) == "Failed")
        spec = job.spec
        err: K8snetError | None = None
        new_condition: tuple[str, str, str] | None = None
        if finished is None:
            completions = spec.completions
            if completions is not None and succeeded >= completions:
                new_condition = ("Complete", *COMPLETIONS_REACHED)
            elif completions is None and succeeded > 0 and not active:
                new_condition = ("Complete", *COMPLETIONS_REACHED)
            elif failed > (spec.backoffLimit if spec.backoffLimit is not None else 6):
                new_condition = ("Failed", *BACKOFF_LIMIT_EXCEEDED)
        if finished is not None or new_condition is not None:
            # a finished Job deletes the Pods still running (upstream: "delete all active pods")
            for pod in active:
                err = err or self._delete_pod(job, pod)
        elif spec.suspend:
            for pod in active:
                err = err or self._delete_pod(job, pod)
        else:
            parallelism = spec.parallelism if spec.parallelism is not None else 1
            if spec.completions is not None:
                want = min(parallelism, max(0, spec.completions - succeeded))
            else:
                want = parallelism if succeeded == 0 else len(active)
            diff = want - len(active)
            wait = _failure_backoff_remaining(pods, self.clock.now())
            if diff > 0 and wait > 0:
                # a failed Pod is replaced after the Pod failure back-off: 10 s doubling per failure since the last
                # success, at most 10 min (DefaultJobPodFailureBackOff, MaxJobPodFailureBackOff)
                self.queue.add_after(object_key(job), wait)
            elif diff > 0:
                _, err = slow_start_batch(min(diff, self.burst_replicas), 1, lambda: self._create_pod(job))
            elif diff < 0:
                # manageJob deletes the surplus, those not yet running first
                victims = sorted(active, key=lambda p: (is_pod_ready(p), p.metadata.name))[:-diff]
                for pod in victims:
                    err = err or self._delete_pod(job, pod)
        self._update_status(job, new_condition)
        if err is not None:
            raise err

    def _create_pod(self, job: Any) -> K8snetError | None:
        return self.pod_control.create_pod(job, pod_from_template(job))

    def _delete_pod(self, job: Any, pod: Any) -> K8snetError | None:
        return self.pod_control.delete_pod(job, pod)

    def _update_status(self, job: Any, new_condition: tuple[str, str, str] | None) -> None:
        from k8snet.api.batch_v1 import JobCondition, JobStatus

        live = self.api.store.read("Job", job.metadata.name, job.metadata.namespace)
        if live is None:
            return
        now = self.clock.now()
        pods = self.owned("Pod", live)
        active = [
            p
            for p in pods
            if p.metadata.deletionTimestamp is None and _phase(p) not in ("Succeeded", "Failed")
        ]
        terminating = sum(
            1
            for p in pods
            if p.metadata.deletionTimestamp is not None and _phase(p) not in ("Succeeded", "Failed")
        )
        old = live.status or JobStatus()
        conditions = list(old.conditions or [])
        completion_time = old.completionTime
        if new_condition is not None:
            type_, reason, message = new_condition
            # v1.31+: the interim condition first (SuccessCriteriaMet / FailureTarget), then the final one
            interim = "SuccessCriteriaMet" if type_ == "Complete" else "FailureTarget"
            for t in (interim, type_):
                conditions.append(
                    JobCondition(
                        type=t,
                        status="True",
                        lastProbeTime=now,
                        lastTransitionTime=now,
                        reason=reason,
                        message=message,
                    )
                )
            if type_ == "Complete":
                completion_time = now
                self.events.event(live, "Normal", "Completed", "Job completed", COMPONENT)
            else:
                self.events.event(live, "Warning", reason, message, COMPONENT)
        status = JobStatus(
            conditions=conditions or None,
            startTime=old.startTime or (None if live.spec.suspend else now),
            completionTime=completion_time,
            active=len(active) or None,
            succeeded=sum(1 for p in pods if _phase(p) == "Succeeded") or None,
            failed=sum(1 for p in pods if _phase(p) == "Failed") or None,
            terminating=terminating,
            uncountedTerminatedPods={},
            ready=sum(1 for p in active if is_pod_ready(p)),
        )
        if live.status is None or live.status != status:
            self.api.store.put(live.model_copy(update={"status": status}), owned=True)


def _finished_at(pod: Any) -> Any:
    """When a finished Pod's containers terminated (their ``finishedAt``), else its ``Ready`` condition's last
    transition."""
    for cs in (pod.status.containerStatuses if pod.status else None) or []:
        finished = ((cs.state or {}).get("terminated") or {}).get("finishedAt")
        if finished:
            return datetime.fromisoformat(finished.replace("Z", "+00:00"))
    for c in (pod.status.conditions if pod.status else None) or []:
        if c.type == "Ready" and c.lastTransitionTime is not None:
            return c.lastTransitionTime
    return pod.metadata.creationTimestamp


def _failure_backoff_remaining(pods: list[Any], now: Any) -> float:
    """Seconds left of the Pod failure back-off (``backoffRecord.getRemainingTime``): the failures since the last
    success count, ``10 s * 2^(failures - 1)`` capped at 600 s, from the last failure.

    >>> from datetime import timedelta, timezone
    >>> from k8snet.api.core_v1 import Pod
    >>> t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    >>> def failed(seconds):
    ...     return Pod(metadata={"name": f"p{seconds}", "creationTimestamp": t0}, status={"phase": "Failed",
    ...         "conditions": [{"type": "Ready", "status": "False", "lastTransitionTime": t0 + timedelta(seconds=seconds)}]})
    >>> _failure_backoff_remaining([failed(0)], t0 + timedelta(seconds=4))
    6.0
    >>> _failure_backoff_remaining([failed(0), failed(5)], t0 + timedelta(seconds=5))
    20.0
    """
    finished = sorted((_finished_at(p), _phase(p)) for p in pods if _phase(p) in ("Succeeded", "Failed"))
    failures, last_failure = 0, None
    for at, phase in finished:
        if phase == "Succeeded":
            failures, last_failure = 0, None
        else:
            failures, last_failure = failures + 1, at
    if not failures or last_failure is None:
        return 0.0
    backoff = min(DEFAULT_POD_FAILURE_BACKOFF * 2 ** (failures - 1), MAX_POD_FAILURE_BACKOFF)
    return max(0.0, (last_failure - now).total_seconds() + backoff)


def _phase(pod: Any) -> str | None:
    return pod.status.phase if pod.status else None


def _finished_condition(job: Any) -> str | None:
    for c in (job.status.conditions if job.status else None) or []:
        if c.type in ("Complete", "Failed") and c.status == "True":
            return c.type
    return None
