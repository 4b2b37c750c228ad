"""course.plots.training (gradient norms, validation runs) and the network explorer's range."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course import plots, widgets  # noqa: E402


def test_gradient_norms_one_line_per_layer_and_run_on_a_log_scale(tmp_path):
    glorot = np.array([[0.05, 0.1, 0.25], [0.04, 0.02, 0.03], [0.03, 0.02, 0.02]])
    zeros = np.array([[0.0, 0.0, 0.013], [0.0, 1e-5, 2e-3], [5e-9, 2e-6, 5e-4]])
    fig = plots.plot_gradient_norms({"Glorot": glorot, "zeros": zeros})
    ax = fig.axes[0]
    assert len(ax.lines) == 6 and ax.get_yscale() == "log"
    assert ax.get_xlabel() == "updates done (0 = before training)"
    x, y = ax.lines[3].get_data()                      # zeros, layer 1
    assert list(x) == [0, 1, 2]
    assert np.isnan(y[0]) and np.isnan(y[1]) and y[2] == 5e-9   # a 0 is left out, not drawn
    assert ax.lines[0].get_linestyle() != ax.lines[3].get_linestyle()
    assert ax.lines[0].get_color() == ax.lines[3].get_color()  # same layer, same colour
    fig.savefig(tmp_path / "norms.png")


def test_validation_runs_mark_the_chosen_update():
    fig = plots.plot_validation_runs({"seed 0": [0.7, 0.2, 0.3], "seed 1": [0.6, 0.5, 0.1]},
                                     {"seed 0": 1, "seed 1": 2}, updates_per_entry=50)
    ax = fig.axes[0]
    curve, dot = ax.lines[0], ax.lines[1]
    assert list(curve.get_xdata()) == [0, 50, 100]
    assert list(dot.get_xdata()) == [50] and list(dot.get_ydata()) == [0.2]
    assert list(ax.lines[3].get_xdata()) == [100]
    assert ax.get_xlabel() == plots.UPDATES_LABEL


@pytest.mark.parametrize("call, message", [
    (lambda: plots.plot_gradient_norms({}), "non-empty dict"),
    (lambda: plots.plot_gradient_norms({"a": [1.0, 2.0]}), "runs"),
    (lambda: plots.plot_gradient_norms({"a": [[-1.0]]}), "negative"),
    (lambda: plots.plot_validation_runs({"a": [0.5, 0.4]}, {"b": 0}), "keys of `curves`"),
    (lambda: plots.plot_validation_runs({"a": [0.5, 0.4]}, {"a": 2}), "an entry of its curve"),
    (lambda: plots.plot_validation_runs({"a": [0.5]}, {"a": 0}, updates_per_entry=0),
     "`updates_per_entry` must be an integer of at least 1"),
])
def test_bad_input_is_refused_with_the_argument_named(call, message):
    with pytest.raises((TypeError, ValueError), match=message):
        call()


def test_network_explorer_reaches_the_epochs_that_alpha_001_needs():
    """The lesson asks how many epochs α = 0.01 needs (2,000 to 2,500): the slider gets there,
    and at 2,500 epochs every test image is right, at 500 not."""
    assert widgets.MAX_EPOCHS >= 3000
    explorer = widgets.network_explorer(alpha=0.01, epochs=500)
    assert explorer.epochs_slider.max == widgets.MAX_EPOCHS
    assert explorer.test_accuracy < 0.9
    explorer.epochs_slider.value = 2500
    assert explorer.test_accuracy == 1.0
    assert explorer.losses.shape == (2500,)
