"""The project's frame: domain packages stay UI- and store-free, and imports only go down the layers.

`LAYERS` is the map a newcomer reads in ARCHITECTURE.md: a unit (a top-level package, or a
subpackage where a package holds several domains) may import only units on a lower layer.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = ["ingest", "scorecard", "migration", "contracts", "governance"]
CODE = [*DOMAIN, "annogov", "app_pages"]

LAYERS: dict[str, int] = {
    "ingest": 0,
    "annogov": 0,  # the package's own __init__: the version string
    "scorecard": 1,
    "migration": 1,
    "contracts": 1,
    "governance": 1,  # the package's own __init__
    "governance.roles": 1,
    "governance.quality": 2,  # the package's own __init__
    "governance.quality.annotator_codes": 2,  # codes shared by the quality subpackages
    "governance.quality.stats": 2,
    "governance.quality.reading": 3,
    "governance.quality.sla": 4,
    "governance.quality.vendors": 5,
    "governance.channel": 6,
    "governance.reports": 6,
    "governance.privacy": 7,
    "annogov.store": 8,
    "annogov.services": 9,
    "annogov.cli": 11,
    "annogov.__main__": 12,
    "app_pages": 10,
    "app": 12,
}
SPLIT = {"governance", "governance.quality", "annogov"}
"""Packages whose children (modules and subpackages) are units of their own."""


def unit(module: str) -> str:
    """The layer unit of a dotted module (`governance.quality.sla.qa` -> `governance.quality.sla`):
    inside a package of `SPLIT`, each child module or subpackage is a unit of its own."""
    parts = module.split(".")
    name = parts[0]
    while name in SPLIT and len(parts) > name.count(".") + 1:
        name = ".".join(parts[: name.count(".") + 2])
    return name


def _project_module(name: str) -> bool:
    return (ROOT / (name.replace(".", "/") + ".py")).exists() or (ROOT / name.replace(".", "/")).is_dir()


def imports(path: Path) -> Iterator[str]:
    """Every project module a file imports, absolute form."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{a.name}" for a in node.names if _project_module(f"{node.module}.{a.name}"))


def _files(package: str) -> list[Path]:
    return [ROOT / "app.py"] if package == "app" else sorted((ROOT / package).rglob("*.py"))


def _module_name(path: Path) -> str:
    dotted = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return dotted.removesuffix(".__init__")


def _edges() -> Iterator[tuple[str, str, str]]:
    for package in [*CODE, "app"]:
        for path in _files(package):
            source = unit(_module_name(path))
            for name in imports(path):
                if name.split(".")[0] in [*CODE, "app"] and _project_module(name):
                    target = unit(name)
                    if target != source:
                        yield source, target, str(path.relative_to(ROOT))


def test_domain_packages_import_no_ui_and_no_store() -> None:
    banned = {"streamlit", "sqlalchemy", "annogov", "app_pages"}
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for package in DOMAIN
        for path in _files(package)
        for name in imports(path)
        if name.split(".")[0] in banned
    ]
    assert offenders == []


def test_annogov_imports_no_streamlit() -> None:
    offenders = [
        str(p.relative_to(ROOT)) for p in _files("annogov") if any(n.startswith("streamlit") for n in imports(p))
    ]
    assert offenders == []


def test_every_unit_has_a_layer() -> None:
    units = {unit(_module_name(p)) for package in CODE for p in _files(package)}
    assert units - set(LAYERS) == set(), "add the new package to LAYERS (and to ARCHITECTURE.md)"


def test_imports_only_go_down_the_layers() -> None:
    upward = sorted(
        f"{where}: {source} (layer {LAYERS[source]}) imports {target} (layer {LAYERS[target]})"
        for source, target, where in _edges()
        if source in LAYERS and target in LAYERS and LAYERS[target] >= LAYERS[source]
    )
    assert upward == []


def test_pages_use_the_store_package_not_its_modules() -> None:
    """Pages go through `annogov.store`'s exports and `annogov.services`, never the store's internals."""
    offenders = sorted(
        f"{path.relative_to(ROOT)} imports {name}"
        for path in [*_files("app_pages"), ROOT / "app.py"]
        for name in imports(path)
        if name.startswith("annogov.store.") and name != "annogov.store.measured"
    )
    assert offenders == []


def test_layers_name_real_packages() -> None:
    missing = [name for name in LAYERS if name != "app" and not _project_module(name)]
    assert missing == []


def _runtime_imports(path: Path) -> Iterator[str]:
    """The project modules a file imports when it runs (anywhere but under `if TYPE_CHECKING:`)."""

    def walk(node: ast.AST) -> Iterator[str]:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from (name for child in node.orelse for name in walk(child))
            return
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{a.name}" for a in node.names)
        for child in ast.iter_child_nodes(node):
            yield from walk(child)

    yield from walk(ast.parse(path.read_text(encoding="utf-8")))


def test_no_import_cycle_between_modules() -> None:
    """Within a unit too: no module reaches itself through imports, deferred ones included."""
    modules = {_module_name(p): p for package in CODE for p in _files(package)}

    def owner(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph = {
        m: {t for n in _runtime_imports(p) if (t := owner(n)) and t != m and not m.startswith(f"{t}.")}
        for m, p in modules.items()
    }
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        path.append(m)
        for t in sorted(graph[m]):
            if state.get(t) == 1:
                cycles.append([*path[path.index(t) :], t])
            elif t not in state:
                visit(t)
        path.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)
    assert cycles == [], " | ".join(" -> ".join(c) for c in cycles)
