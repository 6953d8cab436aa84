"""The import graph of the project's own packages: arrows point one way, and no module imports itself back.

Every import statement of every module (tests and migrations aside), at any
depth (imports inside functions count: a deferred import is still an arrow),
relative ones resolved. drf-better-auth is an installed package and proves in
its own tests that it imports nothing of the project.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("accounts", "audit", "orgs", "tasks", "core", "server", "config", "testing")
# Which of the project's packages each one may import, and nothing more: `core` at the bottom,
# the audit trail on it (every app records there, it knows none of them), the apps on those (tasks
# on orgs on accounts, never the reverse), the server on core alone, `config` wiring them together,
# the test fixtures (`testing`) on the apps.
ALLOWED = {
    "core": set(),
    "audit": {"core"},
    "accounts": {"audit", "core"},
    "orgs": {"accounts", "audit", "core"},
    "tasks": {"accounts", "audit", "core", "orgs"},
    "server": {"core"},
    "config": {"accounts", "audit", "core", "orgs", "server", "tasks"},
    "testing": {"accounts", "audit", "core", "orgs", "server", "tasks"},
}


def project_modules() -> dict[str, tuple[bool, Path]]:
    """Module name -> (whether it is a package, its file), for every module but tests and migrations."""
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "tests" in parts or "migrations" in parts:
                continue
            is_package = parts[-1] == "__init__"
            modules[".".join(parts[:-1] if is_package else parts)] = (is_package, path)
    return modules


def imported_names(name: str, is_package: bool, path: Path) -> Iterator[str]:
    """Each module an import statement in the file names, and each name a `from` import takes from one."""
    package = name if is_package else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            yield module
            yield from (f"{module}.{alias.name}" for alias in node.names)


def import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports."""
    modules = project_modules()
    return {
        name: {imported for imported in imported_names(name, *entry) if imported in modules} - {name}
        for name, entry in modules.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        found.append(sorted(group))
    return found


def test_the_walk_reads_every_package_and_resolves_relative_imports() -> None:
    graph = import_graph()

    assert {"accounts.admin", "accounts.services.life", "tasks.views", "server.run", "config.urls"} <= set(graph)
    assert not any(".tests" in name or ".migrations" in name for name in graph)
    assert {"accounts.models", "accounts.services.relink"} <= graph["accounts.services.life"]
    assert {"tasks.selectors", "accounts.requests"} <= graph["tasks.views"]


def test_packages_import_only_the_packages_below_them() -> None:
    arrows = {
        (name.split(".")[0], imported.split(".")[0])
        for name, imported_modules in import_graph().items()
        for imported in imported_modules
    }

    assert {(source, target) for source, target in arrows if source != target} <= {
        (source, target) for source, targets in ALLOWED.items() for target in targets
    }
    assert ("tasks", "accounts") in arrows


def test_no_module_imports_itself_back_through_others() -> None:
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
