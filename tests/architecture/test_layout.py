"""The layout's promises, checked on the code itself: the core and the bot never load the Rasa
SDK or the actions, the tariff engine does no I/O, and every function fits on a screen."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAX_FUNCTION_LINES = 60
# Where our own code lives; migrations are generated-style scripts with long upgrade steps.
SOURCES = ("consultoria", "actions", "bot", "rasa_runtime", "scripts", "tests")
EXEMPT = ("consultoria/db/migrations/versions",)
# What the pure tariff engine may import: the standard library's computing modules, the
# holiday calendar, and itself.
TARIFF_ALLOWED = frozenset(
    {
        "__future__",
        "collections",
        "dataclasses",
        "datetime",
        "decimal",
        "enum",
        "fractions",
        "functools",
        "holidays",
        "itertools",
        "math",
        "operator",
        "re",
        "typing",
        "zoneinfo",
        "consultoria",
    }
)


def _python_files(*folders: str) -> Iterator[Path]:
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if not relative.startswith(EXEMPT):
                yield path


def _modules(package: str) -> list[str]:
    return [
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for path in _python_files(package)
        if "migrations" not in path.parts
    ]


def _loaded_after_importing(modules: list[str]) -> set[str]:
    """Top-level packages in sys.modules after importing `modules` in a fresh interpreter."""
    script = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=os.environ | {"PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("package", ["consultoria", "bot"])
def test_core_and_bot_load_neither_the_rasa_sdk_nor_the_actions(package: str) -> None:
    modules = _modules(package)
    assert f"{package}.cli" in modules or package == "bot"
    loaded = _loaded_after_importing(modules)
    assert not loaded & {"rasa_sdk", "rasa", "actions"}


def test_core_imports_no_front_end() -> None:
    loaded = _loaded_after_importing(_modules("consultoria"))
    assert "telegram" not in loaded
    assert "bot" not in loaded


def _imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_the_tariff_engine_imports_no_io_library() -> None:
    for path in _python_files("consultoria/tariff"):
        assert _imported_roots(path) <= TARIFF_ALLOWED, path.name


def test_the_tariff_engine_imports_only_itself_from_the_project() -> None:
    for path in _python_files("consultoria/tariff"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        project = [
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
            if node.module.split(".")[0] == "consultoria"
        ]
        assert all(name.startswith("consultoria.tariff") for name in project), path.name


def _long_functions(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            assert node.end_lineno is not None
            # From `def` to the last line: a parametrize table above it is data, not code.
            length = node.end_lineno - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                yield f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({length} lines)"


def test_every_function_fits_on_a_screen() -> None:
    offenders = [found for path in _python_files(*SOURCES) for found in _long_functions(path)]
    assert offenders == []
