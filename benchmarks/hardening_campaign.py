"""The issue-11 bad-input campaign, rerun: inputs tried and handled per class, and what the worst inputs cost.

Run: ``python benchmarks/hardening_campaign.py [examples per class]`` (default 1000) from the repository root.
Each class draws from the strategies of ``tests/helpers/hardening.py`` (decoding: hostile YAML and deep JSON;
kubectl strings: selectors and numeric flags; DNS: names, types and ``ndots`` values) plus request sequences
through the public API. An input is *handled* when it succeeds or fails with a ``K8snetError`` and a failed
request leaves the store byte-identical; anything else is counted as *escaped*. Then the single inputs the
campaign found slow or fatal are timed.
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from helpers.hardening import (  # noqa: E402
    DNS_NAMES,
    DNS_TYPES,
    FLAG_NUMBERS,
    NDOTS_VALUES,
    SELECTORS,
    YAML_DOCUMENTS,
)

from k8snet import manifests  # noqa: E402
from k8snet.errors import K8snetError  # noqa: E402
from k8snet.sim.cluster import Cluster  # noqa: E402

TALLY: dict[str, Counter] = {}


def _run(cls: str, cluster: Cluster | None, fn) -> None:
    tally = TALLY.setdefault(cls, Counter())
    tally["tried"] += 1
    before = cluster.store.dump() if cluster is not None else None
    try:
        fn()
    except K8snetError:
        if cluster is not None and cluster.store.dump() != before:
            tally["half-applied"] += 1
            return
    except Exception as exc:  # noqa: BLE001 - counted, not hidden
        tally["escaped"] += 1
        tally[f"escaped {type(exc).__name__}"] += 1
        return
    tally["handled"] += 1


def campaign(n: int) -> None:
    opts = settings(max_examples=n, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    cluster = Cluster(preset="minikube", cloud_provider=False)
    cluster.kubectl("create deployment web --image=nginx --port=80 -r 2")
    cluster.kubectl("expose deployment web --port=80")

    @opts
    @given(text=st.one_of(YAML_DOCUMENTS, st.integers(1, 3000).map(lambda d: "[" * d + "]" * d)))
    def decode(text):
        _run("decode", None, lambda: manifests.load(text))

    @opts
    @given(selector=SELECTORS, verb=st.sampled_from(["get pods", "get all", "describe svc", "delete pods"]))
    def selectors(selector, verb):
        quoted = selector.replace("'", "")
        _run("kubectl strings", cluster, lambda: cluster.kubectl(f"{verb} -l '{quoted}'"))

    lines = [
        "scale deploy web --replicas={n}",
        "create deployment r --image=i -r {n}",
        "expose deploy web --name=t --port=80 --target-port={n}",
        "run p --image=i --port={n}",
        "delete pod nothere --grace-period={n}",
    ]

    @opts
    @given(line=st.sampled_from(lines), n=FLAG_NUMBERS)
    def numbers(line, n):
        _run("kubectl strings", cluster, lambda: cluster.kubectl(line.format(n=n)))
        if cluster.get("Deployment", "web").spec.replicas != 2:
            cluster.kubectl("scale deploy web --replicas=2")
        for d in cluster.deployments("default"):
            if d.metadata.name != "web":
                cluster.kubectl(f"delete deploy {d.metadata.name}")

    dns_clusters: dict[str, Cluster] = {}

    @opts
    @given(name=DNS_NAMES, qtype=DNS_TYPES, ndots=NDOTS_VALUES)
    def dns(name, qtype, ndots):
        if ndots not in dns_clusters:
            c = Cluster(preset="minikube", cloud_provider=False)
            c.apply(
                {
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "metadata": {"name": "client"},
                    "spec": {
                        "containers": [{"name": "c", "image": "busybox"}],
                        "dnsConfig": {"options": [{"name": "ndots", "value": ndots}]},
                    },
                }
            )
            dns_clusters[ndots] = c
        _run("DNS", None, lambda: dns_clusters[ndots].dns.resolve(name, qtype, pod="client"))

    def sequences(steps: int) -> None:
        rng = random.Random(11)
        c = Cluster(preset="minikube", cloud_provider=False)
        actions = [
            lambda: c.apply(
                {
                    "apiVersion": "apps/v1",
                    "kind": "Deployment",
                    "metadata": {"name": rng.choice("ab")},
                    "spec": {
                        "replicas": rng.choice([0, 1, 2, -1, 2**31, 2**63, "2", None]),
                        "selector": {"matchLabels": {"app": "x"}},
                        "template": {
                            "metadata": {"labels": {"app": "x"}},
                            "spec": {"containers": [{"name": "c", "image": "nginx"}]},
                        },
                    },
                }
            ),
            lambda: c.kubectl(
                f"scale deploy {rng.choice('ab')} --replicas={rng.choice(['1', '2147483648', 'x'])}"
            ),
            lambda: c.scale("deployment", rng.choice("ab"), rng.choice([2, 2**31, "3", -1])),
            lambda: c.kubectl(
                f"delete {rng.choice(['ns', 'deploy', 'pod'])} {rng.choice(['default', 'kube-public', 'a'])}"
            ),
            lambda: c.kubectl(f"get pods -l '{rng.choice(['app in (x', 'app=x', '!!!', 'a,'])}'"),
            lambda: c.clock.advance(rng.choice([1, 31, 10**12, float("nan"), -1])),
        ]
        for _ in range(steps):
            _run("request sequences", c, rng.choice(actions))

    decode()
    selectors()
    numbers()
    dns()
    sequences(n)


def _ms(fn) -> float:
    t = time.perf_counter()
    try:
        fn()
    except K8snetError:
        pass
    return (time.perf_counter() - t) * 1000


def worst_inputs() -> None:
    print("\nthe inputs the campaign found slow or fatal, now:")
    big = "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n  labels:\n" + "".join(
        f"    k{i}: v\n" for i in range(150_000)
    )
    bomb = ["a: &a [1,1,1,1,1,1,1,1,1,1]"] + [
        f"{n}: &{n} [" + ",".join([f"*{p}"] * 10) + "]" for p, n in zip("abcdefgh", "bcdefghi", strict=True)
    ]
    c = Cluster(preset="minikube", cloud_provider=False)
    c.kubectl("create deployment web --image=nginx")
    rows = [
        ("700,000 empty YAML documents", lambda: manifests.load("---\n" * 700_000)),
        ("a 150,000-label map (2.0 MB), no aliases", lambda: manifests.load(big)),
        ("billion laughs (10^9 nodes after expansion)", lambda: manifests.load("\n".join(bomb))),
        ("JSON nested 5,000 deep", lambda: manifests.load('{"a":' * 5000 + "1" + "}" * 5000)),
        ("kubectl scale --replicas=2147483648", lambda: c.kubectl("scale deploy web --replicas=2147483648")),
        (
            "kubectl scale --replicas=10**20",
            lambda: c.kubectl("scale deploy web --replicas=" + "1" + "0" * 20),
        ),
        ("Cluster(nodes=10**9)", lambda: Cluster(nodes=10**9)),
        ("clock.advance(days=10**7)", lambda: c.clock.advance(days=10**7)),
        ("kubectl get pods -l 'app in (web'", lambda: c.kubectl("get pods -l 'app in (web'")),
    ]
    for label, fn in rows:
        print(f"  {label:<46} {_ms(fn):8.1f} ms")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    t = time.perf_counter()
    campaign(n)
    print(f"{'class':<20} {'tried':>7} {'handled':>8} {'escaped':>8} {'half-applied':>13}")
    total = Counter()
    for cls, tally in TALLY.items():
        print(
            f"{cls:<20} {tally['tried']:>7} {tally['handled']:>8} {tally['escaped']:>8} {tally['half-applied']:>13}"
        )
        total.update({k: tally[k] for k in ("tried", "handled", "escaped", "half-applied")})
        for key in sorted(k for k in tally if k.startswith("escaped ")):
            print(f"    {key}: {tally[key]}")
    print(
        f"{'all':<20} {total['tried']:>7} {total['handled']:>8} {total['escaped']:>8} {total['half-applied']:>13}"
        f"   ({time.perf_counter() - t:.0f} s)"
    )
    worst_inputs()


if __name__ == "__main__":
    main()
