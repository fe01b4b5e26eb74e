"""The notebooks run in JupyterLab itself, driven the way a researcher drives it.

Interactive researchers are a main user of cxbench: they open a notebook in JupyterLab
and choose Run → Run All Cells. papermill and nbval (``tests/test_notebooks.py``,
``make test``) execute the same code headless through jupyter_client; they do not show
that the notebook opens in the UI, that the ``python3`` kernel it names resolves to this
environment from inside JupyterLab, that Run All gets through every cell (it stops at
the first error), or that the charts reach the page.

This module starts a real ``jupyter lab`` server on a copy of ``notebooks/`` and
``data/`` (the repository is never touched; the copies' stored outputs are cleared, so
everything on the page comes from this run), opens each notebook in headless Chromium
(``_browser`` of ``tests/test_pipeline.py``), runs all cells from the Run menu and reads
the rendered page: every code cell numbered 1, 2, … in order, no traceback, charts
shown as loaded images. A planted failing notebook goes through the same detector and
must be reported, so the detector is known to be able to fail. Screenshots are kept in
``tests/artifacts/jupyterlab-<notebook>.png``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

pytest.importorskip("jupyterlab")

# tests/ is on sys.path (rootdir conftest, no package): the other tests import the same way
from test_pipeline import _browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
NOTEBOOKS = sorted(path.name for path in (ROOT / "notebooks").glob("*.ipynb"))
PLANTED = "planted_failure.ipynb"
SCHEMAS = Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas" / "@jupyterlab"
# JupyterLab's own settings, written for the copy: every cell in the DOM (no windowed
# rendering), and no news or update toast over the page.
SETTINGS = {
    ("notebook-extension", "tracker"): {"windowingMode": "none"},
    ("apputils-extension", "notification"): {"fetchNews": "false", "checkForUpdates": False},
}
START_TIMEOUT = 60.0  # the server answering /api/status
OPEN_TIMEOUT = 60.0  # the notebook on the page with its kernel idle
RUN_TIMEOUT = 180.0  # Run All Cells, per notebook
POLL = 0.25
STDERR = "application/vnd.jupyter.stderr"
PROMPT = re.compile(r"\[(\d+|\*| )\]:")

pytestmark = pytest.mark.slow

T = TypeVar("T")

# What the page shows of the notebook in front: its kernel's status, a dialog if one is
# open, and per code cell its prompt, its outputs and whether each image has loaded.
PAGE_SCRIPT = """
const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
if (!panel) { return null; }
const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator');
const dialog = document.querySelector('.jp-Dialog');
return {
  status: indicator ? indicator.dataset.status : null,
  dialog: dialog ? dialog.innerText : null,
  cells: [...panel.querySelectorAll('.jp-CodeCell')].map(cell => ({
    prompt: (cell.querySelector('.jp-InputPrompt') || {textContent: ''}).textContent,
    outputs: [...cell.querySelectorAll('.jp-OutputArea-output')].map(output => ({
      mime: output.dataset.mimeType || '',
      text: output.innerText,
    })),
    images: [...cell.querySelectorAll('.jp-OutputArea-output img')].map(
      image => image.complete && image.naturalWidth > 0),
  })),
};
"""


# --- what the page shows -----------------------------------------------------------------


@dataclass(frozen=True)
class Output:
    """One rendered output: its MIME type (``data-mime-type``) and visible text."""

    mime: str
    text: str

    @property
    def is_error(self) -> bool:
        """Whether this is a raised exception.

        JupyterLab renders an error output and a stderr stream (a warning) alike, as
        ``application/vnd.jupyter.stderr`` text; they differ in their text only. IPython
        names the place in every traceback it shows, ``Cell In[n], line m`` (a
        SyntaxError has no "Traceback" header); a warning names a file and line.
        """
        return self.mime == STDERR and ("Cell In[" in self.text or "Traceback" in self.text)

    @property
    def summary(self) -> str:
        """The last line of the text (for a traceback: ``ValueError: planted``)."""
        lines = [line.strip() for line in self.text.splitlines() if line.strip()]
        return lines[-1] if lines else ""


@dataclass(frozen=True)
class Cell:
    """One code cell on the page: its prompt, outputs and images (loaded or not)."""

    prompt: str
    outputs: tuple[Output, ...]
    images: tuple[bool, ...]

    @property
    def count(self) -> str:
        """What the prompt shows: a number, ``*`` (queued or running) or ``" "``."""
        match = PROMPT.search(self.prompt)
        return match.group(1) if match else "?"


@dataclass(frozen=True)
class Page:
    """The notebook in front: kernel status, an open dialog's text, its code cells."""

    status: str | None
    dialog: str | None
    cells: tuple[Cell, ...]

    @classmethod
    def read(cls, browser: Any) -> Page | None:
        """Read the page; ``None`` while no notebook is shown."""
        raw = browser.execute_script(PAGE_SCRIPT)
        if raw is None:
            return None
        cells = tuple(
            Cell(
                prompt=cell["prompt"],
                outputs=tuple(Output(o["mime"], o["text"]) for o in cell["outputs"]),
                images=tuple(bool(image) for image in cell["images"]),
            )
            for cell in raw["cells"]
        )
        return cls(status=raw["status"], dialog=raw["dialog"], cells=cells)

    @property
    def counts(self) -> list[str]:
        """Every code cell's prompt value, in order."""
        return [cell.count for cell in self.cells]

    @property
    def errors(self) -> list[tuple[int, Output]]:
        """The error outputs, with the (0-based) index of their cell."""
        return [(i, o) for i, cell in enumerate(self.cells) for o in cell.outputs if o.is_error]

    @property
    def warnings(self) -> list[tuple[int, Output]]:
        """stderr outputs that are no error (warnings), with their cell's index."""
        return [
            (i, o)
            for i, cell in enumerate(self.cells)
            for o in cell.outputs
            if o.mime == STDERR and not o.is_error
        ]

    @property
    def idle(self) -> bool:
        """Whether the kernel is idle and no dialog (kernel choice, restart) is open."""
        return self.status == "idle" and self.dialog is None

    @property
    def finished(self) -> bool:
        """Whether Run All is over: nothing queued, the kernel idle, and either every
        cell numbered or an error shown (Run All stops there; the rest stay ``[ ]``).

        At least one number is required, so that the moment before the first cell is
        queued does not count as the end.
        """
        counts = self.counts
        if self.dialog is not None:
            return True  # a dialog ends the run; the problems name it
        if self.status != "idle" or "*" in counts or not any(c.isdigit() for c in counts):
            return False
        return all(c.isdigit() for c in counts) or bool(self.errors)

    def describe(self) -> str:
        """A one-line state for a timeout message."""
        return f"kernel {self.status!r}, dialog {self.dialog!r}, prompts {self.counts}"


def _problems(page: Page, code_cells: int, draws_charts: bool) -> list[str]:
    """Everything that stops a researcher's Run All from being a clean run, or ``[]``."""
    problems = []
    if page.dialog is not None:
        problems.append(f"a dialog is open: {' '.join(page.dialog.split())}")
    if len(page.cells) != code_cells:
        problems.append(f"{len(page.cells)} code cells on the page, {code_cells} in the file")
    problems += [f"cell {i + 1} raised {output.summary}" for i, output in page.errors]
    counts = page.counts
    problems += [f"cell {i + 1} was not run [{c}]" for i, c in enumerate(counts) if not c.isdigit()]
    numbers = [int(c) for c in counts if c.isdigit()]
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(f"execution counts {numbers} are not 1, 2, … in order")
    images = [loaded for cell in page.cells for loaded in cell.images]
    if draws_charts and not images:
        problems.append("no chart (image) on the page")
    if not all(images):
        problems.append(f"{images.count(False)} of {len(images)} images did not load")
    return problems


# --- the notebooks and the copy ----------------------------------------------------------


def _code_cells(notebook: Path) -> list[dict[str, Any]]:
    """The code cells of a notebook file."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return [cell for cell in cells if cell["cell_type"] == "code"]


def _draws_charts(notebook: Path) -> bool:
    """Whether a notebook draws charts: it calls a ``plot_`` function of cxbench, or its
    stored outputs hold an image."""
    cells = _code_cells(notebook)
    calls = any("plot_" in "".join(cell["source"]) for cell in cells)
    stored = any(
        mime.startswith("image/")
        for cell in cells
        for output in cell.get("outputs", [])
        for mime in output.get("data", {})
    )
    return calls or stored


def _clear_outputs(notebook: Path) -> None:
    """Remove the stored outputs and execution counts of a copied notebook, so that what
    the page shows after Run All was made by that run."""
    content = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in content["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    notebook.write_text(json.dumps(content, indent=1, ensure_ascii=False), encoding="utf-8")


def _write_planted(notebook: Path) -> None:
    """A notebook whose second cell raises after a first that prints the kernel's Python;
    its third cell must never run."""
    sources = [
        "import sys\n\nprint(sys.executable)\nprint(sys.prefix)",
        'raise ValueError("planted")',
        'print("not reached")',
    ]
    content = {
        "cells": [
            {
                "cell_type": "code",
                "id": f"planted-{i}",
                "metadata": {},
                "source": source,
                "outputs": [],
                "execution_count": None,
            }
            for i, source in enumerate(sources)
        ],
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    notebook.write_text(json.dumps(content, indent=1), encoding="utf-8")


def _write_settings(config_dir: Path) -> None:
    """Write JupyterLab's user settings, after checking each name and value against the
    installed JupyterLab's schema (a renamed setting would otherwise be ignored)."""
    for (extension, plugin), values in SETTINGS.items():
        schema = json.loads((SCHEMAS / extension / f"{plugin}.json").read_text("utf-8"))
        for name, value in values.items():
            assert name in schema["properties"], f"{extension}:{plugin} has no {name!r}"
            choices = [c["const"] for c in schema["properties"][name].get("oneOf", [])]
            assert not choices or value in choices, f"{name}={value!r} not in {choices}"
        folder = config_dir / "lab" / "user-settings" / "@jupyterlab" / extension
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{plugin}.jupyterlab-settings").write_text(json.dumps(values), "utf-8")


@pytest.fixture(scope="module")
def lab_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with copies of ``notebooks/`` (outputs cleared, plus the planted one)
    and ``data/``, in the repository's layout: the notebooks read ``../data``."""
    root = tmp_path_factory.mktemp("jupyterlab")
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
    shutil.copytree(ROOT / "notebooks", root / "notebooks", ignore=ignore)
    shutil.copytree(ROOT / "data", root / "data", ignore=ignore)
    for notebook in (root / "notebooks").glob("*.ipynb"):
        _clear_outputs(notebook)
    _write_planted(root / "notebooks" / PLANTED)
    return root


# --- the server --------------------------------------------------------------------------


@dataclass(frozen=True)
class Lab:
    """A running JupyterLab: where it listens, its token and the folder it serves."""

    port: int
    token: str
    root: Path
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def base(self) -> str:
        """The server's address."""
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        """A page of the server, with the token (which logs the browser in)."""
        return f"{self.base}/{path}?token={self.token}"

    def api(self, method: str, path: str) -> Any:
        """Call the REST API; the decoded JSON answer, or ``None`` when empty."""
        request = urllib.request.Request(
            f"{self.base}/api/{path}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def kernel_state(self, path: str) -> str | None:
        """The server's execution state of a notebook's kernel; ``None`` without one."""
        for session in self.api("GET", "sessions"):
            if session["path"] == path and session.get("kernel"):
                return session["kernel"]["execution_state"]
        return None

    def shut_down_sessions(self, path: str) -> None:
        """Shut down the kernel sessions of one notebook (the server waits for them)."""
        for session in self.api("GET", "sessions"):
            if session["path"] == path:
                self.api("DELETE", f"sessions/{session['id']}")

    def log_tail(self, lines: int = 40) -> str:
        """The end of the server's log, for a failure message."""
        return "\n".join(self.log.read_text("utf-8", "replace").splitlines()[-lines:])


def _free_port() -> int:
    """A TCP port free on 127.0.0.1 just now (the server is told not to try others)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(root: Path) -> dict[str, str]:
    """The environment for ``jupyter lab``: its config, data, runtime and IPython folders
    in ``root``; kernels looked up in this environment's ``share/jupyter`` first."""
    env = {
        key: value
        for key, value in os.environ.items()
        # MPLBACKEND=Agg (``make test``) would hide charts that a researcher sees
        if key not in {"MPLBACKEND", "JUPYTER_TOKEN", "JUPYTERLAB_SETTINGS_DIR"}
        and key not in {"JUPYTERLAB_WORKSPACES_DIR", "JUPYTERLAB_DIR"}
    }
    jupyter = root / ".jupyter"
    env |= {
        "JUPYTER_CONFIG_DIR": str(jupyter / "config"),
        "JUPYTER_DATA_DIR": str(jupyter / "data"),
        "JUPYTER_RUNTIME_DIR": str(jupyter / "runtime"),
        "IPYTHONDIR": str(jupyter / "ipython"),
        "JUPYTER_PATH": str(Path(sys.prefix) / "share" / "jupyter"),
    }
    return env


def _check_kernelspec(env: dict[str, str]) -> None:
    """The ``python3`` kernel the notebooks name is this environment's (``make install``
    registers it under ``sys.prefix``) and starts this Python: its command is either
    ``sys.executable`` or a bare ``python``, which jupyter_client replaces with the
    server's ``sys.executable``."""
    listing = subprocess.run(
        [sys.executable, "-m", "jupyter", "kernelspec", "list", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    spec = json.loads(listing.stdout)["kernelspecs"]["python3"]
    resource_dir = Path(spec["resource_dir"]).resolve()
    assert resource_dir.is_relative_to(Path(sys.prefix).resolve()), resource_dir
    command = spec["spec"]["argv"][0]
    assert command in {"python", "python3", sys.executable}, command


def _leftover_kernels(runtime_dir: Path) -> list[int]:
    """The processes still naming the server's runtime folder (kernels take their
    connection file from there), Linux only."""
    pids, needle = [], f"{runtime_dir}{os.sep}"
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            command = (entry / "cmdline").read_bytes().decode("utf-8", "replace")
        except OSError:
            continue
        if needle in command and int(entry.name) != os.getpid():
            pids.append(int(entry.name))
    return pids


def _stop(process: subprocess.Popen[bytes], runtime_dir: Path) -> None:
    """Stop the server and everything it started: SIGTERM to its process group (the
    server shuts its kernels down), SIGKILL if it outlives 30 s, then any kernel left."""
    for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        if process.poll() is not None:
            break
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(wait)
        except subprocess.TimeoutExpired:
            continue
    for pid in _leftover_kernels(runtime_dir):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _wait_for_status(lab: Lab) -> None:
    """Wait (bounded) until the server answers ``/api/status``; fail if it exits."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if lab.process.poll() is not None:
            pytest.fail(f"jupyter lab exited ({lab.process.returncode}):\n{lab.log_tail()}")
        try:
            with urllib.request.urlopen(f"{lab.base}/api/status?token={lab.token}", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(POLL)
    pytest.fail(f"jupyter lab did not answer in {START_TIMEOUT:.0f} s:\n{lab.log_tail()}")


@pytest.fixture(scope="module")
def lab(lab_root: Path) -> Iterator[Lab]:
    """``jupyter lab`` on the copy, on a free port with a random token; always stopped."""
    env = _server_env(lab_root)
    _write_settings(Path(env["JUPYTER_CONFIG_DIR"]))
    _check_kernelspec(env)
    port, token, log = _free_port(), secrets.token_hex(16), lab_root / "jupyterlab.log"
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",  # ServerApp.token's current name
        f"--ServerApp.root_dir={lab_root}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")  # containers and CI often run as root
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command,
            env=env,
            cwd=lab_root,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as one
        )
    try:
        server = Lab(port=port, token=token, root=lab_root, process=process, log=log)
        _wait_for_status(server)
        yield server
    finally:
        _stop(process, Path(env["JUPYTER_RUNTIME_DIR"]))


# --- the browser -------------------------------------------------------------------------


@pytest.fixture
def browser() -> Iterator[Any]:
    """A fresh headless Chromium per notebook (the pipeline tests' helper)."""
    driver = _browser()
    try:
        yield driver
    finally:
        driver.quit()


def _wait(what: str, timeout: float, read: Callable[[], T | None], done: Callable[[T], bool]) -> T:
    """Poll ``read`` every ``POLL`` s until ``done`` holds, for at most ``timeout`` s."""
    deadline, value = time.monotonic() + timeout, None
    while True:
        value = read()
        if value is not None and done(value):
            return value
        if time.monotonic() > deadline:
            state = value.describe() if isinstance(value, Page) else repr(value)
            pytest.fail(f"{what}: not within {timeout:.0f} s; last seen: {state}")
        time.sleep(POLL)


def _click_menu(browser: Any, menu: str, item: str) -> None:
    """Click a main-menu entry, then one of its items, both found by their label."""

    def find_menu() -> Any:
        entries = browser.find_elements("css selector", "#jp-MainMenu .lm-MenuBar-item")
        return next((e for e in entries if e.text.strip() == menu), None)

    _wait(f"the {menu} menu", OPEN_TIMEOUT, find_menu, lambda _: True).click()

    def find_item() -> Any:
        items = browser.find_elements("css selector", ".lm-Menu .lm-Menu-item")
        for element in items:
            label = element.find_elements("css selector", ".lm-Menu-itemLabel")
            enabled = "lm-mod-disabled" not in (element.get_attribute("class") or "")
            if label and label[0].text.strip() == item and enabled:
                return element
        return None

    _wait(f"{menu} → {item}", OPEN_TIMEOUT, find_item, lambda _: True).click()


def _screenshot(browser: Any, page: Page | None, name: str) -> None:
    """Keep a screenshot, scrolled to the first error, else to the first chart."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    if page is not None and page.errors:
        outputs = browser.find_elements("css selector", f"[data-mime-type='{STDERR}']")
        targets = [element for element in outputs if Output(STDERR, element.text).is_error]
    else:
        targets = browser.find_elements("css selector", ".jp-OutputArea-output img")
    if targets:
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", targets[0])
    browser.save_screenshot(str(ARTIFACTS / f"jupyterlab-{Path(name).stem}.png"))


def _accept_kernel_dialog(browser: Any, kernel: str) -> bool:
    """Accept a "Select Kernel" dialog if it offers the notebook's kernel ``kernel``
    (as a researcher would); whether it did.

    JupyterLab sometimes asks while the notebook is still loading, although the
    notebook names a kernel that exists (seen once in about fifteen openings).
    """
    dialogs = browser.find_elements("css selector", ".jp-Dialog")
    headers = dialogs[0].find_elements("css selector", ".jp-Dialog-header") if dialogs else []
    if not headers or headers[0].text.strip() != "Select Kernel":
        return False
    dialog = dialogs[0]
    choice = browser.execute_script(
        "const s = arguments[0].querySelector('select'); return s ? s.value : null;", dialog
    )
    if choice is None or json.loads(choice) != {"name": kernel}:
        return False
    dialog.find_element("css selector", ".jp-Dialog-footer .jp-mod-accept").click()
    warnings.warn(f"JupyterLab asked for a kernel; chose {kernel!r}", stacklevel=2)
    return True


def _opened(lab: Lab, browser: Any, path: str, kernel: str) -> Page | None:
    """The page once the notebook is shown with its kernel started and idle, else ``None``.

    The page alone does not tell: its status reads "idle" before any kernel exists, so
    the server must report the session's kernel idle as well. A dialog other than a
    kernel choice that can be accepted ends the wait (the problems name it).
    """
    page = Page.read(browser)
    if page is None or not page.cells:
        return None
    if page.dialog is not None:
        return None if _accept_kernel_dialog(browser, kernel) else page
    return page if page.idle and lab.kernel_state(path) == "idle" else None


def _run_in_lab(lab: Lab, browser: Any, name: str) -> Page:
    """Open ``notebooks/<name>`` in its own workspace, wait for its kernel, run all cells
    from the Run menu and wait for the run to end; the page as it is then."""
    path = f"notebooks/{name}"
    kernel = json.loads((lab.root / path).read_text("utf-8"))["metadata"]["kernelspec"]["name"]
    workspace = re.sub(r"[^a-z0-9]+", "-", Path(name).stem.lower())
    page = None
    try:
        browser.get(lab.url(f"lab/workspaces/{workspace}/tree/{urllib.parse.quote(path)}"))
        page = _wait(
            f"{name} opened with an idle kernel",
            OPEN_TIMEOUT,
            lambda: _opened(lab, browser, path, kernel),
            lambda _: True,
        )
        if page.dialog is None:
            _click_menu(browser, "Run", "Run All Cells")
            page = _wait(
                f"Run All of {name}",
                RUN_TIMEOUT,
                lambda: Page.read(browser),
                lambda page: page.finished,
            )
    except BaseException:  # pytest.fail too: keep a screenshot, but raise what failed
        with contextlib.suppress(Exception):
            _screenshot(browser, page, name)
        raise
    else:
        _screenshot(browser, page, name)
        return page
    finally:
        with contextlib.suppress(OSError):  # a server gone is reported by the test itself
            lab.shut_down_sessions(path)


# --- the tests ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_a_notebook_runs_all_its_cells_in_jupyterlab(lab: Lab, browser: Any, name: str) -> None:
    notebook = ROOT / "notebooks" / name
    page = _run_in_lab(lab, browser, name)
    problems = _problems(page, len(_code_cells(notebook)), _draws_charts(notebook))
    assert not problems, "\n".join(problems)
    for i, output in page.warnings:  # shown to the researcher, but not an error
        warnings.warn(f"{name} cell {i + 1} wrote to stderr: {output.summary}", stacklevel=1)


def test_the_detector_reports_a_planted_error(lab: Lab, browser: Any) -> None:
    page = _run_in_lab(lab, browser, PLANTED)
    assert _problems(page, 3, draws_charts=False) == [
        "cell 2 raised ValueError: planted",
        "cell 3 was not run [ ]",
    ]
    # the first cell ran in this environment's Python: the python3 kernel resolved here
    printed = [line for o in page.cells[0].outputs for line in o.text.splitlines() if line]
    assert printed == [sys.executable, sys.prefix]
