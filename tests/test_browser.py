"""The widgets in a real JupyterLab, in a real (headless) Chromium.

Start JupyterLab once on a free localhost port with a random token; for each lesson, open
the solution notebook (trusted, as its author sees it) and check that the stored widget state
shows the explorer's figure before anything runs, then run all cells, wait for the kernel to
be idle, move a slider with the keyboard, and check that the figure and the readout change
and that no widget error or error output appears. Screenshots per lesson (stored and live)
are saved under pytest's temporary directory.

Needs Debian's chromium at /usr/bin/chromium (``apt-get install chromium``) and the
``playwright`` Python package (never ``playwright install``: we drive the system browser).
Without chromium the tests are skipped, unless ``COURSE_REQUIRE_BROWSER=1`` (CI), which
turns the skip into a failure.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
START_TIMEOUT = 90       # seconds for JupyterLab to answer
RUN_TIMEOUT = 300        # seconds for "run all cells" to finish
CHANGE_TIMEOUT = 60      # seconds for the figure to follow a key press

# (notebook, explorer's CSS class, slider's CSS class)
LESSONS = [
    ("solutions/01_logistic_regression_numpy.ipynb", "course-logistic-explorer", "course-alpha"),
    ("solutions/04_training_a_network.ipynb", "course-network-explorer", "course-epochs"),
]


def require_browser():
    """Skip (or, in CI, fail) when the browser or playwright is missing."""
    problems = []
    if not CHROMIUM.exists():
        problems.append(f"{CHROMIUM} is missing (install it with `apt-get install chromium`)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append("the playwright package is missing (`pip install -e .[test]`)")
    if problems:
        message = "browser test needs " + " and ".join(problems)
        if os.environ.get("COURSE_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " (COURSE_REQUIRE_BROWSER=1)")
        pytest.skip(message + "; CI sets COURSE_REQUIRE_BROWSER=1 to make this a failure")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _write_settings(settings_dir: Path) -> None:
    """User settings for this run only: no news toast, no update check, and every cell
    rendered (no windowing), so the test can find any output without scrolling."""
    settings = {
        ("apputils-extension", "notification"): {"fetchNews": "false",
                                                 "checkForUpdates": False},
        ("notebook-extension", "tracker"): {"windowingMode": "none"},
    }
    for (extension, plugin), values in settings.items():
        folder = settings_dir / "@jupyterlab" / extension
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{plugin}.jupyterlab-settings").write_text(json.dumps(values))


class JupyterLab:
    """A JupyterLab server in its own process group, on a free port, with a random token."""

    def __init__(self, root: Path, state: Path):
        self.root, self.state = root, state
        self.port = _free_port()
        self.token = secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.log_path = state / "jupyterlab.log"

    def _env(self) -> dict:
        """The environment of the server and its kernels: all Jupyter state in ``state``."""
        for name in ("runtime", "config", "data", "ipython"):
            (self.state / name).mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        env.pop("MPLBACKEND", None)  # let the kernel use its inline backend, as for a learner
        env.update(TF_CPP_MIN_LOG_LEVEL="2",
                   JUPYTER_CONFIG_DIR=str(self.state / "config"),
                   JUPYTER_DATA_DIR=str(self.state / "data"),
                   JUPYTER_RUNTIME_DIR=str(self.state / "runtime"),
                   IPYTHONDIR=str(self.state / "ipython"),
                   JUPYTER_PLATFORM_DIRS="1")
        return env

    def trust(self, *notebooks: Path) -> None:
        """Trust notebooks (in this run's own signature database), as their author would,
        so that JupyterLab renders their stored widgets."""
        subprocess.run([sys.executable, "-m", "jupyter", "trust", *map(str, notebooks)],
                       env=self._env(), check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        for name in ("settings", "workspaces"):
            (self.state / name).mkdir(parents=True, exist_ok=True)
        _write_settings(self.state / "settings")
        env = self._env()
        command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
                   f"--port={self.port}", "--ServerApp.port_retries=0",
                   "--ServerApp.ip=127.0.0.1", f"--ServerApp.token={self.token}",
                   f"--ServerApp.root_dir={self.root}",
                   "--LabApp.expose_app_in_browser=True",
                   f"--LabApp.user_settings_dir={self.state / 'settings'}",
                   f"--LabApp.workspaces_dir={self.state / 'workspaces'}",
                   "--LabApp.check_for_updates_class="
                   "jupyterlab.handlers.announcements.NeverCheckForUpdate"]
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(command, cwd=self.root, env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited early:\n{self.log_path.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/status?token={self.token}",
                                            timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"JupyterLab did not answer in {START_TIMEOUT} s:\n"
                           f"{self.log_path.read_text()}")

    def stop(self) -> None:
        """Stop the server and its kernels (the whole process group we started)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # Jupyter asks to confirm; send twice
            time.sleep(0.3)
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # kernels left behind, if any
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait(timeout=10)
        self.log.close()


KERNEL_IDLE_JS = """() => {
    const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const context = panel && panel.sessionContext;
    const kernel = context && context.session && context.session.kernel;
    return Boolean(context && context.isReady && kernel && kernel.status === "idle");
}"""


def _idle(page) -> bool:
    return bool(page.evaluate(KERNEL_IDLE_JS))


def wait_for_idle(page, timeout: float, settle: float = 1.5) -> None:
    """Wait until the kernel is idle, no cell shows [*], and that stays so for ``settle`` s."""
    deadline = time.monotonic() + timeout
    quiet_since = None
    while time.monotonic() < deadline:
        busy_prompts = page.locator(".jp-InputPrompt", has_text="[*]").count()
        if _idle(page) and busy_prompts == 0:
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= settle:
                return
        else:
            quiet_since = None
        page.wait_for_timeout(250)
    raise AssertionError(f"the kernel was still busy after {timeout} s")


def page_problems(page) -> list[str]:
    """Widget errors and error outputs visible anywhere in the notebook."""
    problems = []
    text = page.locator(".jp-Notebook").inner_text()
    if "Error displaying widget" in text:
        problems.append("'Error displaying widget' appears in the notebook")
    for selector, what in ((".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']",
                            "error output"),
                           (".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']",
                            "stderr output")):
        for output in page.locator(selector).all():
            problems.append(f"{what}: {output.inner_text()[:500]}")
    return problems


def open_notebook(page, lab: JupyterLab, notebook: str) -> None:
    """Open ``notebook`` (relative to the server root) in a workspace of its own (a shared
    one would reopen the tabs of the tests before) and wait for its kernel."""
    workspace = Path(notebook).stem
    page.goto(f"{lab.url}/lab/workspaces/{workspace}/tree/{notebook}?token={lab.token}")
    page.wait_for_selector(".jp-Notebook", timeout=START_TIMEOUT * 1000)
    page.wait_for_function(KERNEL_IDLE_JS, timeout=START_TIMEOUT * 1000)


def check_stored_figure(page, explorer_class: str, screenshot: Path) -> None:
    """Before anything runs, the stored widget state shows the explorer's first figure."""
    figure = page.locator(f".{explorer_class} img.course-figure").first
    try:
        figure.wait_for(state="attached", timeout=CHANGE_TIMEOUT * 1000)
        page.wait_for_function("el => el.complete && el.naturalWidth > 0",
                               arg=figure.element_handle(), timeout=CHANGE_TIMEOUT * 1000)
    except Exception as error:
        raise AssertionError(f"the stored notebook does not show the {explorer_class} figure "
                             "(was it executed with nbclient, which stores widget state?)"
                             ) from error
    assert not page_problems(page), page_problems(page)
    page.locator(f".{explorer_class}").first.screenshot(path=str(screenshot))


def run_all_cells(page) -> None:
    """Run every cell of the open notebook and wait until the kernel is idle again."""
    # Start "run all" without awaiting its promise; wait_for_idle watches the cells instead.
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    page.wait_for_timeout(1000)
    wait_for_idle(page, RUN_TIMEOUT)


def move_slider_and_check(page, explorer_class: str, slider_class: str,
                          screenshot: Path) -> dict:
    """Press ArrowRight on the explorer's slider; the figure and readouts must change."""
    explorer = page.locator(f".{explorer_class}").first
    explorer.wait_for(state="visible", timeout=CHANGE_TIMEOUT * 1000)
    explorer.scroll_into_view_if_needed()
    figure = explorer.locator("img.course-figure")
    readout = explorer.locator(".course-readout")
    slider = explorer.locator(f".{slider_class}")
    slider_readout = slider.locator(".widget-readout")
    page.wait_for_function(
        "el => el.complete && el.naturalWidth > 0", arg=figure.element_handle(),
        timeout=CHANGE_TIMEOUT * 1000)

    before = {"src": figure.get_attribute("src"), "pixels": figure.screenshot(),
              "readout": readout.inner_text(), "slider": slider_readout.inner_text()}
    slider.locator(".noUi-handle").first.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "([el, old]) => el.getAttribute('src') !== old && el.complete && el.naturalWidth > 0",
        arg=[figure.element_handle(), before["src"]], timeout=CHANGE_TIMEOUT * 1000)
    page.wait_for_function("([el, old]) => el.innerText !== old",
                           arg=[readout.element_handle(), before["readout"]],
                           timeout=CHANGE_TIMEOUT * 1000)
    wait_for_idle(page, CHANGE_TIMEOUT)
    after = {"src": figure.get_attribute("src"), "pixels": figure.screenshot(),
             "readout": readout.inner_text(), "slider": slider_readout.inner_text()}
    explorer.screenshot(path=str(screenshot))
    return {"before": before, "after": after}


def check_lesson(page, lab: JupyterLab, notebook: str, explorer_class: str,
                 slider_class: str, screenshot: Path) -> dict:
    """The whole check for one notebook; returns what was seen before and after."""
    open_notebook(page, lab, notebook)
    check_stored_figure(page, explorer_class, screenshot.with_name(screenshot.stem + "-stored.png"))
    run_all_cells(page)
    assert not page_problems(page), page_problems(page)
    seen = move_slider_and_check(page, explorer_class, slider_class, screenshot)
    before, after = seen["before"], seen["after"]
    assert after["src"] != before["src"], "the figure was not redrawn"
    assert after["pixels"] != before["pixels"], "the redrawn figure looks the same"
    assert after["readout"] != before["readout"], "the readout did not change"
    assert after["slider"] != before["slider"], "the slider's own readout did not move"
    assert not page_problems(page), page_problems(page)
    return seen


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module (each test opens a page of its own)."""
    require_browser()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def browser_page(browser):
    """A fresh page (closed after the test)."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(CHANGE_TIMEOUT * 1000)
    try:
        yield page
    finally:
        page.close()


def _serve_copies(notebooks: list[Path], root: Path) -> None:
    """Copies of the notebooks under ``root``, so autosave never touches the repo."""
    for notebook in notebooks:
        target = root / notebook.relative_to(REPO)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(notebook, target)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """One JupyterLab for the module, serving copies of every lesson tested here, each
    trusted as its author would (each test opens its notebook with a kernel of its own)."""
    require_browser()
    folder = tmp_path_factory.mktemp("jupyterlab")
    sources = [REPO / notebook for notebook, _, _ in LESSONS]
    assert all(source.exists() for source in sources), sources
    _serve_copies(sources, folder / "root")
    server = JupyterLab(folder / "root", folder / "state")
    try:
        server.trust(*(folder / "root" / notebook for notebook, _, _ in LESSONS))
        server.start()
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize("notebook, explorer_class, slider_class", LESSONS,
                         ids=[Path(n).stem for n, _, _ in LESSONS])
def test_widget_redraws_in_jupyterlab(notebook, explorer_class, slider_class, lab,
                                      browser_page, tmp_path):
    screenshot = tmp_path / f"{Path(notebook).stem}.png"
    check_lesson(browser_page, lab, notebook, explorer_class, slider_class, screenshot)
    assert screenshot.stat().st_size > 1000
    print(f"screenshots: {screenshot} and {screenshot.stem}-stored.png")
