"""The package's shape (issue 14): no module reaches into another's private names, and
each module's public API is what it lists in ``__all__``."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "cxbench"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__main__.py")


def _imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) of every ``from .module import name`` inside the package."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (
            node.level > 0 or (node.module or "").startswith("cxbench")
        ):
            module = (node.module or "").removeprefix("cxbench.").removeprefix("cxbench")
            found += [(module, alias.name) for alias in node.names]
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_module_imports_another_modules_private_name(path):
    """A private module (``_checks``) is shared on purpose; a private name is not."""
    private = [
        f"{module}.{name}"
        for module, name in _imports(path)
        if name.startswith("_") and name != "__version__" and not module.startswith("_")
    ]
    assert not private, f"{path.name} imports {', '.join(private)}"


def test_the_check_can_fail(tmp_path):
    sample = tmp_path / "m.py"
    sample.write_text("from .scoring import _sort\nfrom ._checks import natural_key\n")
    assert [n for m, n in _imports(sample) if n.startswith("_")] == ["_sort"]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_every_name_in_all_exists(path):
    name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    module = importlib.import_module(name.removesuffix(".__init__"))
    for public in getattr(module, "__all__", []):
        assert hasattr(module, public), f"{name}.{public}"


def _readme_modules() -> set[str]:
    """The module names the README's list of modules gives (in backquotes)."""
    import re

    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    start = readme.index("The package's modules, in the order of the pipeline")
    section = readme[start : readme.index("\n\n", readme.index("\n- ", start) + 1)]
    return set(re.findall(r"`([a-z0-9_]+)`", section))


def test_the_readme_lists_every_module_and_no_other():
    tree = {p.stem for p in MODULES if p.stem != "__init__"} | {
        p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()
    }
    listed = _readme_modules()
    assert not tree - listed, f"modules the README does not list: {sorted(tree - listed)}"
    assert not listed - tree, f"the README lists no such module: {sorted(listed - tree)}"
