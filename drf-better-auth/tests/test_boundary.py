"""The package stands alone: it imports nothing of the project it came from, and the tests run the wheel."""

import ast
import sys
from pathlib import Path

import drf_better_auth

PROJECT_PACKAGES = {"accounts", "tasks", "core", "config", "server", "testing", "tests"}


def imported_modules(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_the_package_imports_nothing_from_the_project():
    package = Path(drf_better_auth.__file__).parent
    modules = sorted(package.glob("*.py"))
    assert len(modules) >= 15

    crossings = {
        f"{path.name}: {module}"
        for path in modules
        for module in imported_modules(path)
        if module.split(".")[0] in PROJECT_PACKAGES
    }

    assert crossings == set()


def test_no_project_module_is_loaded_by_the_package():
    assert {name.split(".")[0] for name in sys.modules} & (PROJECT_PACKAGES - {"tests"}) == set()


def test_the_tests_run_the_installed_wheel_not_the_sources():
    installed = Path(drf_better_auth.__file__).resolve()

    assert "site-packages" in installed.parts
    assert (installed.parent / "py.typed").exists()
