"""The project's frame: domain packages stay UI-free and the package import graph is acyclic."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = ["ingest", "scorecard", "migration", "contracts", "governance"]
PACKAGES = ["annogov", *DOMAIN]


def _imports(package: str) -> set[str]:
    found: set[str] = set()
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
    return found


def test_domain_packages_never_import_streamlit() -> None:
    offenders = [p for p in DOMAIN + ["annogov"] if "streamlit" in _imports(p)]
    assert offenders == []


def test_package_import_graph_is_acyclic() -> None:
    graph = {p: (_imports(p) & set(PACKAGES)) - {p} for p in PACKAGES}
    visiting: set[str] = set()
    done: set[str] = set()

    def visit(node: str, trail: list[str]) -> None:
        assert node not in visiting, f"import cycle: {' -> '.join(trail + [node])}"
        if node in done:
            return
        visiting.add(node)
        for dep in sorted(graph[node]):
            visit(dep, trail + [node])
        visiting.discard(node)
        done.add(node)

    for package in PACKAGES:
        visit(package, [])
    assert "annogov" not in set().union(*(graph[p] for p in DOMAIN))
