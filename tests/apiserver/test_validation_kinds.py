"""Validation of the new kinds: the errors users meet most, as kube-apiserver words them (pkg/apis/*/validation
and k8s.io/apimachinery validation helpers), seen through ``kubectl apply -f -``.

The decode errors (a bad quantity, bad base64 in a Secret) are the BadRequest kube-apiserver answers before
validation: ``<Kind> in version "v1" cannot be handled as a <Kind>: <decoder error>``.
"""

from __future__ import annotations

import pytest

from k8snet.errors import KubectlError
from k8snet.sim.cluster import Cluster

CONTAINERS = '{"containers":[{"name":"c","image":"busybox"}]}'
NEVER = '{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox"}]}'


def cron(name: str, schedule: str) -> str:
    return (
        f"apiVersion: batch/v1\nkind: CronJob\nmetadata: {{name: {name}}}\nspec:\n  schedule: {schedule!r}\n"
        f"  jobTemplate:\n    spec:\n      template:\n        spec: {NEVER}\n"
    )


CASES = {
    "job without restartPolicy": (
        f"apiVersion: batch/v1\nkind: Job\nmetadata: {{name: pi}}\nspec:\n  template:\n    spec: {CONTAINERS}\n",
        'The Job "pi" is invalid: spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
    ),
    "cronjob schedule": (
        cron("cj", "* * * *"),
        'The CronJob "cj" is invalid: spec.schedule: Invalid value: "* * * *": expected exactly 5 fields, found 4: '
        "[* * * *]",
    ),
    "cronjob name": (
        cron("a" * 53, "*/5 * * * *"),
        f'The CronJob "{"a" * 53}" is invalid: metadata.name: Invalid value: "{"a" * 53}": must be no more than 52 '
        "characters",
    ),
    "ingress pathType": (
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\nspec:\n  rules:\n  - http:\n"
        "      paths:\n      - path: /\n        backend: {service: {name: web, port: {number: 80}}}\n",
        'The Ingress "web" is invalid: spec.rules[0].http.paths[0].pathType: Required value: pathType must be '
        "specified",
    ),
    "configmap key": (
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {"a/b": "x"}\n',
        'The ConfigMap "c" is invalid: data[a/b]: Invalid value: "a/b": a valid config key must consist of '
        "alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used "
        "for validation is '[-._a-zA-Z0-9]+')",
    ),
    "statefulset selector": (
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n  serviceName: db\n"
        f"  selector: {{matchLabels: {{app: db}}}}\n  template:\n    metadata: {{labels: {{app: other}}}}\n"
        f"    spec: {CONTAINERS}\n",
        'The StatefulSet "db" is invalid: spec.template.metadata.labels: Invalid value: {"app":"other"}: `selector` '
        "does not match template `labels`",
    ),
    "pvc storage request": (
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\nspec:\n  accessModes: [ReadWriteOnce]\n",
        'The PersistentVolumeClaim "data" is invalid: spec.resources[storage]: Required value',
    ),
    "role verbs": (
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r}\nrules:\n"
        '- apiGroups: [""]\n  resources: [pods]\n',
        'The Role "r" is invalid: rules[0].verbs: Required value: verbs must contain at least one value',
    ),
    "rolebinding roleRef kind": (
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rb}\n"
        "subjects: [{kind: User, name: jane}]\nroleRef: {kind: Pod, name: r, apiGroup: rbac.authorization.k8s.io}\n",
        'The RoleBinding "rb" is invalid: roleRef.kind: Unsupported value: "Pod": supported values: "Role", '
        '"ClusterRole"',
    ),
    "hpa maxReplicas": (
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec:\n"
        "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 0\n",
        'The HorizontalPodAutoscaler "h" is invalid: \n* spec.maxReplicas: Invalid value: 0: must be greater than 0\n'
        "* spec.maxReplicas: Invalid value: 0: must be greater than or equal to `minReplicas`",
    ),
    "pdb both set": (
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p}\nspec:\n  minAvailable: 1\n"
        "  maxUnavailable: 1\n  selector: {matchLabels: {app: web}}\n",
        'The PodDisruptionBudget "p" is invalid: spec: Invalid value: {"MinAvailable":1,"Selector":{"matchLabels":'
        '{"app":"web"}},"MaxUnavailable":1,"UnhealthyPodEvictionPolicy":null}: minAvailable and maxUnavailable '
        "cannot be both set",
    ),
    "daemonset restartPolicy": (
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: ds}\nspec:\n  selector: {matchLabels: {app: ds}}\n"
        f"  template:\n    metadata: {{labels: {{app: ds}}}}\n    spec: {NEVER}\n",
        'The DaemonSet "ds" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Never": supported '
        'values: "Always"',
    ),
    "networkpolicy port": (
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np}\nspec:\n  podSelector: {}\n"
        "  ingress:\n  - ports: [{port: 70000}]\n",
        'The NetworkPolicy "np" is invalid: spec.ingress[0].ports[0].port: Invalid value: 70000: must be between 1 '
        "and 65535, inclusive",
    ),
    "storageclass provisioner": (
        "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: fast}\n",
        'The StorageClass "fast" is invalid: provisioner: Required value',
    ),
    "priorityclass value": (
        "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: high}\nvalue: 2000000000\n",
        'The PriorityClass "high" is invalid: value: Forbidden: maximum allowed value of a user defined priority is '
        "1000000000",
    ),
    "secret base64": (
        'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {k: "not base64!"}\n',
        'Error from server (BadRequest): error when creating "STDIN": Secret in version "v1" cannot be handled as a '
        "Secret: illegal base64 data at input byte 3",
    ),
    "quantity": (
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\nspec:\n  accessModes: [ReadWriteOnce]\n"
        "  resources: {requests: {storage: 10GB!}}\n",
        'Error from server (BadRequest): error when creating "STDIN": PersistentVolumeClaim in version "v1" cannot '
        "be handled as a PersistentVolumeClaim: quantities must match the regular expression "
        "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    ),
}


@pytest.fixture(scope="module")
def cluster():
    return Cluster(preset="minikube")


@pytest.mark.parametrize("case", list(CASES))
def test_apply_rejects_with_the_servers_words(cluster, case):
    manifest, message = CASES[case]
    with pytest.raises(KubectlError) as err:
        cluster.kubectl("apply -f -", stdin=manifest)
    assert str(err.value) == message


def test_valid_objects_of_the_new_kinds_are_created(cluster):
    manifest = (
        "apiVersion: batch/v1\nkind: Job\nmetadata: {name: pi}\nspec:\n  template:\n"
        f"    spec: {NEVER}\n---\n"
        + cron("nightly", "0 3 * * *")
        + "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\nspec:\n  rules:\n"
        "  - host: example.com\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n"
        "        backend: {service: {name: web, port: {number: 80}}}\n"
    )
    assert cluster.kubectl("apply -f -", stdin=manifest).stdout == (
        "job.batch/pi created\ncronjob.batch/nightly created\ningress.networking.k8s.io/web created\n"
    )
    job = cluster.get("job", "pi")
    # the Job strategy's PrepareForCreate generates the selector from the uid
    assert job.spec.selector.matchLabels == {"batch.kubernetes.io/controller-uid": job.metadata.uid}
    assert job.spec.template.metadata.labels["job-name"] == "pi"
    assert (job.spec.backoffLimit, job.spec.completions, job.spec.parallelism) == (6, 1, 1)
