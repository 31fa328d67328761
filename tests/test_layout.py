"""The package's shape is part of its contract: no import cycles, SQL only in the store.

The layer and purity contracts live in pyproject.toml ([tool.importlinter]) and run in
`make lint`; these tests keep the two rules a newcomer is most likely to break in `make test`.
"""

from __future__ import annotations

import re
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]


def strongly_connected(graph: grimp.ImportGraph, modules: set[str]) -> list[list[str]]:
    """Tarjan's algorithm over direct imports (lazy and TYPE_CHECKING imports count too)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(start: str) -> None:
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start) & modules)))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)
                                                    & modules))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))

    for module in sorted(modules):
        if module not in index:
            visit(module)
    return found


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("trendwatch", "dashboard")


def test_no_import_cycles(graph):
    # a package imports its own submodules through __init__, which is not a cycle of design
    modules = {m for m in graph.modules if m.split(".")[0] in ("trendwatch", "dashboard")}
    cycles = strongly_connected(graph, modules)
    assert not cycles, "import cycles:\n" + "\n".join(" ↔ ".join(c) for c in cycles)


def test_sql_only_in_the_store():
    pattern = re.compile(r"^\s*(from|import)\s+(sqlalchemy|alembic)\b", re.MULTILINE)
    offenders = [str(path.relative_to(ROOT))
                 for folder in ("trendwatch", "dashboard")
                 for path in sorted((ROOT / folder).rglob("*.py"))
                 if pattern.search(path.read_text(encoding="utf-8"))
                 and not path.relative_to(ROOT).as_posix().startswith("trendwatch/store/")]
    assert not offenders, f"SQL outside trendwatch/store/: {offenders}"
