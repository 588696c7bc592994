"""How long ``k8snet explain`` takes, and how much memory it holds, on a large node dump.

Prints figures (wall-clock time, peak traced memory) for an ``iptables-save`` of N Services with 10 endpoints
each, rendered by k8snet's kube-proxy and then read back by ``explain``. Run: ``python benchmarks/explain_input.py``.
"""

from __future__ import annotations

import time
import tracemalloc

from k8snet.dataplane.explain import explain


def dump(services: int, endpoints: int = 10) -> str:
    lines = ["*nat", ":KUBE-SERVICES - [0:0]"]
    rules = []
    for s in range(services):
        svc = f"KUBE-SVC-{s:016d}"
        lines.append(f":{svc} - [0:0]")
        ip = f"10.{96 + s // 65536}.{(s // 256) % 256}.{s % 256}"
        rules.append(
            f'-A KUBE-SERVICES -d {ip}/32 -p tcp -m comment --comment "ns/svc{s}:http cluster IP" '
            f"-m tcp --dport 80 -j {svc}"
        )
        for e in range(endpoints):
            sep = f"KUBE-SEP-{s:012d}{e:04d}"
            ep = f"10.{128 + s // 65536}.{(s // 256) % 256}.{s % 256}"
            lines.append(f":{sep} - [0:0]")
            prob = (
                f" -m statistic --mode random --probability {1 / (endpoints - e):.11f}"
                if e < endpoints - 1
                else ""
            )
            rules.append(f'-A {svc} -m comment --comment "ns/svc{s}:http -> {ep}:{8000 + e}"{prob} -j {sep}')
            rules.append(f'-A {sep} -s {ep}/32 -m comment --comment "ns/svc{s}:http" -j KUBE-MARK-MASQ')
            rules.append(
                f'-A {sep} -p tcp -m comment --comment "ns/svc{s}:http" -m tcp -j DNAT --to-destination {ep}:{8000 + e}'
            )
    return "\n".join(lines + rules + ["COMMIT", ""])


def main() -> None:
    for n in (1000, 5000):
        text = dump(n)
        t0 = time.perf_counter()
        result = explain(text)
        elapsed = time.perf_counter() - t0
        # memory in a second run: tracemalloc slows Python down several times, so it is not timed
        tracemalloc.start()
        explain(text)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"{n} Services x 10 endpoints: {len(text) / 1e6:.1f} MB, {text.count(chr(10))} lines -> "
            f"{len(result.services)} Service ports in {elapsed:.2f} s, peak {peak / 1e6:.0f} MB traced"
        )


if __name__ == "__main__":
    main()
