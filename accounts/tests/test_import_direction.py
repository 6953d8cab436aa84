"""Arrows point one way: tasks builds on accounts, and no module of accounts imports tasks.

Every import statement of every module under accounts/ (its tests aside:
they create tasks to prove that an account's export and erasure reach them),
at any depth, relative ones resolved.
"""

import ast
from pathlib import Path

import accounts

FORBIDDEN = "tasks"
ACCOUNTS = Path(accounts.__file__).parent


def accounts_modules():
    """(module name, whether it is a package, its file) for each module under accounts/ but its tests."""
    for path in sorted(ACCOUNTS.rglob("*.py")):
        parts = path.relative_to(ACCOUNTS.parent).with_suffix("").parts
        if parts[:2] == ("accounts", "tests"):
            continue
        is_package = parts[-1] == "__init__"
        yield ".".join(parts[:-1] if is_package else parts), is_package, path


def imported_names(name, is_package, path):
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


def test_the_walk_reads_every_module_of_accounts_and_resolves_relative_imports():
    modules = {name: (is_package, path) for name, is_package, path in accounts_modules()}

    assert {"accounts", "accounts.admin", "accounts.services", "accounts.services.life"} <= set(modules)
    assert "accounts.management.commands.relink_user" in modules
    assert not any(name.startswith("accounts.tests") for name in modules)
    assert all(path.is_file() for _is_package, path in modules.values())
    life = set(imported_names("accounts.services.life", *modules["accounts.services.life"]))
    assert {"accounts.models.User", "accounts.services.relink", "django.db.transaction"} <= life


def test_no_module_of_accounts_imports_tasks():
    arrows = {
        (name, imported)
        for name, is_package, path in accounts_modules()
        for imported in imported_names(name, is_package, path)
        if imported == FORBIDDEN or imported.startswith(f"{FORBIDDEN}.")
    }

    assert arrows == set()
