"""The project's set-up files agree with each other and with the package."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

import cxbench

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_environment_yml_lists_the_same_requirements_as_pyproject():
    """environment.yml (conda) and pyproject.toml must not drift apart."""
    project = _pyproject()["project"]
    wanted = list(project["dependencies"])
    for extra in ("notebooks", "pdf", "test"):
        wanted += project["optional-dependencies"][extra]
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = [
        d for d in env["dependencies"] if isinstance(d, str) and _name(d) not in {"python", "pip"}
    ]
    assert {_name(r): r.replace(" ", "") for r in conda} == {
        _name(r): r.replace(" ", "") for r in wanted
    }
    pip_part = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip_part in (['-e ".[notebooks,pdf,test]"'], ["-e .[notebooks,pdf,test]"])


def test_pandas_and_pingouin_majors_are_pinned():
    """Stored notebook outputs depend on their output columns and reprs."""
    deps = {_name(r): r for r in _pyproject()["project"]["dependencies"]}
    assert re.search(r"<\s*4", deps["pandas"]) and re.search(r">=\s*3", deps["pandas"])
    assert re.search(r"<\s*0\.8", deps["pingouin"])


def test_public_api_is_listed_and_importable():
    assert len(cxbench.__all__) == len(set(cxbench.__all__))
    for name in cxbench.__all__:
        assert hasattr(cxbench, name), name


def test_the_lazy_api_is_the_stubs():
    """``__init__.pyi`` is read twice: by lazy_loader (its imports) and by type checkers
    (its ``__all__``); they must name the same API, and ``import cxbench`` loads none of
    it until it is used."""
    stub = ast.parse((ROOT / "cxbench" / "__init__.pyi").read_text(encoding="utf-8"))
    imported = {
        alias.name for node in stub.body if isinstance(node, ast.ImportFrom) for alias in node.names
    }
    listed = next(
        ast.literal_eval(node.value)
        for node in stub.body
        if isinstance(node, ast.Assign) and node.targets[0].id == "__all__"
    )
    assert set(listed) == imported | {"__version__"} == set(cxbench.__all__)
    code = (
        "import sys, cxbench; heavy = {'pandas', 'matplotlib', 'seaborn', 'scipy', 'pingouin'};"
        "print(sorted(heavy & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_lock_pins_every_requirement_within_its_range():
    """``make`` installs requirements.lock (uv); it must pin every dependency of
    pyproject.toml, runtime and extras, at a version the range admits (``make lock``
    after a change to pyproject.toml)."""
    from packaging.requirements import Requirement
    from packaging.version import Version

    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith(("#", " ")):
            name, _, rest = line.partition("==")
            pins[name.strip().lower().replace("_", "-")] = Version(rest.split(";")[0].strip())
    project = _pyproject()["project"]
    extras = [text for group in project["optional-dependencies"].values() for text in group]
    wanted = [*project["dependencies"], *extras]
    for text in wanted:
        requirement = Requirement(text)
        name = requirement.name.lower().replace("_", "-")
        assert name in pins, f"{name} is not in requirements.lock: run make lock"
        assert pins[name] in requirement.specifier, f"{name}=={pins[name]} not in {text}"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "-r requirements.lock" in makefile


def test_ci_runs_the_readme_test_command():
    """`.ci/run` calls `make test`, the README's test command."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, re.M)
    assert "make test" in readme and "make report" in readme
