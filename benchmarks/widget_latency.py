"""How long a learner waits between moving a control and seeing the figure redrawn.

For each explorer in ``course.widgets``, set a control about 20 times (the values a learner
would step through) and time each change until the new PNG is in the widget's image, which
is what the browser then shows. Prints the median and the 90th percentile.

Targets: at most 0.3 s for the logistic-regression explorer (1000 iterations) and at most
1 s for the network explorer at 100 epochs.

Run: ``python benchmarks/widget_latency.py`` (one process, a few seconds). Add
``--browser`` to also measure end to end in JupyterLab + headless Chromium (needs
/usr/bin/chromium): key press on the slider -> new image loaded in the page.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from course import widgets  # noqa: E402


def time_changes(explorer, slider, values) -> np.ndarray:
    """Seconds from ``slider.value = v`` until the explorer has drawn its new figure."""
    seconds = []
    for value in values:
        redraws = explorer.redraws
        start = time.perf_counter()
        slider.value = value  # ipywidgets calls the observer synchronously: retrain + redraw
        seconds.append(time.perf_counter() - start)
        assert explorer.redraws == redraws + 1, "the figure was not redrawn"
    return np.array(seconds)


def training_alone(kind: str, repeats: int = 10) -> float:
    """Baseline, same process: median seconds of the training an explorer redraws after,
    without any widget or drawing (1000 iterations of gradient descent on the lesson data,
    or 100 full-batch epochs of the 25-15-1 network)."""
    from course import data, logistic, nn
    from course.losses import BinaryCrossentropy

    if kind == "logistic":
        X, y = data.make_blobs()

        def train():
            logistic.gradient_descent(X, y, np.zeros(X.shape[1]), 0.0, 0.1, 1000)
    else:
        (X, y), _ = data.load_digits01()

        def train():
            model = nn.Sequential([nn.Input(shape=(X.shape[1],)), nn.Dense(25, "sigmoid"),
                                   nn.Dense(15, "sigmoid"), nn.Dense(1, "sigmoid")], seed=0)
            model.compile(loss=BinaryCrossentropy(), optimizer=nn.SGD(learning_rate=1.0))
            model.fit(X, y, epochs=100, batch_size=len(X), shuffle=False)
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        train()
        seconds.append(time.perf_counter() - start)
    return float(np.median(seconds))


def report(name: str, seconds: np.ndarray, target: float, baseline: float | None = None) -> bool:
    median, p90 = np.median(seconds), np.percentile(seconds, 90)
    verdict = "ok" if p90 <= target else "SLOWER THAN TARGET"
    ratio = f"  = {median / baseline:4.1f}x training alone" if baseline else ""
    print(f"{name:<44} n={len(seconds):>2}  median {median:.3f} s  p90 {p90:.3f} s{ratio}  "
          f"(target {target} s)  {verdict}")
    return p90 <= target


def main() -> int:
    # α from 1e-4 to 10 and back, as a learner sweeping the log slider (1000 iterations).
    alphas = 10.0 ** np.concatenate([np.linspace(-4, 1, 10), np.linspace(0.75, -3.75, 10)])
    explorer = widgets.logistic_regression_explorer(alpha=0.1, num_iters=1000)
    logistic = time_changes(explorer, explorer.alpha_slider, alphas)

    # Epochs near 100 (each change retrains from the start), then α at 100 epochs.
    network = widgets.network_explorer(alpha=1.0, epochs=100, seed=0)
    epochs = time_changes(network, network.epochs_slider, [90, 95, 100, 105, 110, 91, 96, 101, 106, 111])
    network.epochs_slider.value = 100
    rates = time_changes(network, network.alpha_slider, [0.3, 0.5, 1.0, 2.0, 3.0, 0.4, 0.6, 1.2, 2.5, 3.5])

    comparison = widgets.compare_learning_rates(alphas=(0.001, 0.1, 10.0), num_iters=1000)
    compare = time_changes(comparison, comparison.alpha_sliders[1],
                           10.0 ** np.linspace(-3, 0.5, 20))

    logistic_baseline, network_baseline = training_alone("logistic"), training_alone("network")
    print("Control change -> figure redrawn (time in the kernel; the browser adds a PNG "
          "transfer of ~50 kB)")
    print(f"baselines, same process: gradient descent alone {logistic_baseline:.3f} s, "
          f"network fit alone {network_baseline:.3f} s")
    ok = report("logistic_regression_explorer, α, 1000 iters", logistic, 0.3, logistic_baseline)
    ok &= report("network_explorer, epochs 90..110", epochs, 1.0, network_baseline)
    ok &= report("network_explorer, α at 100 epochs", rates, 1.0, network_baseline)
    report("compare_learning_rates (3 runs), α", compare, 0.9)
    return 0 if ok else 1


BROWSER_CELLS = [
    'import os\nos.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"\n'
    "from course.widgets import logistic_regression_explorer, network_explorer",
    "logistic_regression_explorer(alpha=0.1, num_iters=1000)",
    "network_explorer(alpha=1.0, epochs=100, seed=0)",
]


def browser_latency(changes: int = 20) -> None:
    """Key press on a slider -> the new figure loaded in the page, in a real JupyterLab."""
    import nbformat
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    import test_browser as lab_tools  # the browser test's helpers: server, waits

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "root"
        root.mkdir()
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c)
                                                   for c in BROWSER_CELLS])
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                           "language": "python"}
        nbformat.write(notebook, root / "latency.ipynb")
        lab = lab_tools.JupyterLab(root, Path(tmp) / "state")
        try:
            lab.start()
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(lab_tools.CHROMIUM), headless=True,
                    args=lab_tools.CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                lab_tools.open_notebook(page, lab, "latency.ipynb")
                lab_tools.run_all_cells(page)
                for name, explorer, slider, target in (
                        ("logistic_regression_explorer, α", "course-logistic-explorer",
                         "course-alpha", 0.3),
                        ("network_explorer, epochs near 100", "course-network-explorer",
                         "course-epochs", 1.0)):
                    figure = page.locator(f".{explorer} img.course-figure").first
                    handle = page.locator(f".{explorer} .{slider} .noUi-handle").first
                    seconds = []
                    for k in range(changes):
                        old = figure.get_attribute("src")
                        handle.focus()
                        start = time.perf_counter()
                        page.keyboard.press("ArrowRight" if k % 2 == 0 else "ArrowLeft")
                        page.wait_for_function(
                            "([el, old]) => el.getAttribute('src') !== old && el.complete",
                            arg=[figure.element_handle(), old], polling=10)
                        seconds.append(time.perf_counter() - start)
                    report(f"browser: {name}", np.array(seconds), target)
                browser.close()
        finally:
            lab.stop()


if __name__ == "__main__":
    status = main()
    if "--browser" in sys.argv[1:]:
        browser_latency()
    raise SystemExit(status)
