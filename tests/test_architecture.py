"""The house rules that no linter checks: imports point one way (workflow → accounts →
documents → orgchart) with no circles, counting imports inside functions too, and no source
file grows past 600 lines (docs/ARCHITECTURE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.any_engine

ROOT = Path(__file__).resolve().parent.parent
APPS = ("orgchart", "documents", "accounts", "workflow")
#: An app may import the apps after it in this order, never those before it.
ORDER = {"workflow": 0, "accounts": 1, "documents": 2, "orgchart": 3}
MAX_LINES = 600


def _sources() -> list[Path]:
    files = []
    for app in (*APPS, "config"):
        files += [p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts]
    return sorted(files)


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Project modules the file imports, at module level or inside functions."""
    module = _module(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.add(target)
            found |= {f"{target}.{alias.name}" for alias in node.names}
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module(p): p for p in _sources()}
    graph = {}
    for name, path in modules.items():
        graph[name] = {m for m in _imports(path) if m in modules and m != name}
    return graph


def test_apps_import_one_way():
    wrong = []
    for module, targets in _graph().items():
        app = module.split(".")[0]
        if app not in ORDER:
            continue
        for target in targets:
            other = target.split(".")[0]
            if other in ORDER and ORDER[other] < ORDER[app]:
                wrong.append(f"{module} imports {target}")
    assert wrong == []


def test_no_module_imports_itself_in_a_circle():
    graph = _graph()
    circles, state = [], {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                circles.append(" → ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert circles == []


def test_no_source_file_is_over_600_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in [*_sources(), *(ROOT / "bench").glob("*.py")]
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
