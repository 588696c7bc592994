"""Notebooks are committed without outputs or execution counts (the book and nbval execute them).

python .ci/check_clean_notebooks.py [FILE.ipynb ...]   # default: every notebook under book/
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def problems(path: Path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        if cell.get("outputs"):
            out.append(f"{path}: cell {i} ({cell.get('id')}) has stored outputs")
        if cell.get("execution_count") is not None:
            out.append(f"{path}: cell {i} ({cell.get('id')}) has an execution count")
    return out


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted((ROOT / "book").glob("*.ipynb"))
    found = [p for path in paths for p in problems(path)]
    print("\n".join(found) or f"{len(paths)} notebook(s) clean: no outputs, no execution counts")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
