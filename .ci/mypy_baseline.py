"""Type-check k8snet/ with mypy against a baseline that may only shrink.

The baseline (.ci/mypy-baseline.json) holds, per file, how many errors mypy reported when type checking was
introduced. A file may not gain errors, and a file not in the baseline must have none. When a file has fewer
errors than its baseline, the script says so; `--update` writes the smaller counts (it never raises one).

    .venv/bin/python .ci/mypy_baseline.py            # check (make lint runs this)
    .venv/bin/python .ci/mypy_baseline.py --update   # record the improvements
"""

from __future__ import annotations

import collections
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / ".ci" / "mypy-baseline.json"
ERROR = re.compile(r"^(?P<file>[^:\s]+\.py):\d+: error: ")


def current_counts() -> tuple[dict[str, int], str]:
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "k8snet"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if proc.returncode not in (0, 1):  # 2: mypy itself failed (bad config, crash)
        sys.exit(proc.stdout + proc.stderr)
    counts = collections.Counter(m["file"] for m in map(ERROR.match, proc.stdout.splitlines()) if m)
    return dict(counts), proc.stdout


def main(argv: list[str]) -> int:
    update = "--update" in argv
    baseline: dict[str, int] = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    counts, output = current_counts()
    grown = {f: n for f, n in counts.items() if n > baseline.get(f, 0)}
    shrunk = {f: n for f, n in baseline.items() if counts.get(f, 0) < n}
    if grown:
        print(output, end="")
        for f, n in sorted(grown.items()):
            print(
                f"mypy: {f} has {n} error(s), baseline {baseline.get(f, 0)}: fix the new ones",
                file=sys.stderr,
            )
        return 1
    if shrunk:
        if update:
            new = {f: n for f, n in sorted(counts.items()) if n}
            BASELINE.write_text(json.dumps(new, indent=1, sort_keys=True) + "\n")
            print(f"mypy baseline updated: {sum(baseline.values())} -> {sum(new.values())} errors")
        else:
            print(
                f"mypy: fewer errors than the baseline in {len(shrunk)} file(s); "
                "record it with .venv/bin/python .ci/mypy_baseline.py --update"
            )
    print(f"mypy: {sum(counts.values())} error(s) in k8snet/, none beyond the baseline")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
