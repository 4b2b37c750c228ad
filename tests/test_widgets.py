"""Tests for course.widgets, without a browser: move the controls, check what the learner sees."""

import matplotlib

matplotlib.use("Agg")

import io  # noqa: E402

import ipywidgets  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib import image as mpimg  # noqa: E402

from course import data, widgets  # noqa: E402
from course.logistic import gradient_descent  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _pixels(png: bytes) -> np.ndarray:
    return mpimg.imread(io.BytesIO(png), format="png")


@pytest.fixture(scope="module")
def explorer():
    return widgets.logistic_regression_explorer()


@pytest.fixture(scope="module")
def network():
    return widgets.network_explorer()


# ----- logistic regression --------------------------------------------------------------

def test_explorer_is_a_widget_with_a_figure_and_a_readout(explorer):
    assert isinstance(explorer, ipywidgets.Widget)
    assert explorer.image in explorer.children and explorer.readout in explorer.children
    assert explorer.image.value.tobytes().startswith(PNG_SIGNATURE)
    assert _pixels(explorer.image.value).shape[:2] == (288, 760)  # 9.5 x 3.6 inches at 80 dpi
    assert "cost J = " in explorer.readout_text and "w = [" in explorer.readout_text
    assert explorer.message is None


def test_readout_matches_gradient_descent_on_the_lesson_data():
    X, y = data.make_blobs()
    explorer = widgets.logistic_regression_explorer(alpha=0.5, num_iters=300)
    w, b, history = gradient_descent(X, y, np.zeros(2), 0.0, 0.5, 300)
    np.testing.assert_array_equal(explorer.costs, history["cost"])
    assert f"b = {b:.4g}" in explorer.readout_text
    assert f"cost J = {history['cost'][-1]:.6g}" in explorer.readout_text
    assert f"cost J = {history['cost'][-1]:.6g}" in explorer.readout.value


def test_cost_after_1000_iterations_falls_as_alpha_grows(explorer):
    explorer.iterations_slider.value = 1000
    final_costs = []
    for alpha in (1e-3, 1e-2, 1e-1, 1.0):
        explorer.alpha_slider.value = alpha
        assert explorer.costs.shape == (1001,)
        assert explorer.message is None
        final_costs.append(explorer.costs[-1])
    assert all(a > b for a, b in zip(final_costs, final_costs[1:])), final_costs


def test_alpha_10_shows_the_divergence_message_on_the_figure_and_readout(explorer):
    explorer.iterations_slider.value = 1000
    explorer.alpha_slider.value = 1.0
    calm = _pixels(explorer.image.value)
    explorer.alpha_slider.value = 10.0
    assert explorer.message.startswith("α too large: the cost grew from 0.693 to ")
    assert explorer.readout_text.startswith("α too large")
    assert "α too large" in explorer.readout.value
    assert explorer.costs[-1] > explorer.costs[0]
    # The message box is drawn in its own colour across the cost panel (the left half).
    diverged = _pixels(explorer.image.value)
    box = np.array([0xfd, 0xe7, 0xdc]) / 255
    near_box = lambda p: (np.abs(p[:, :380, :3] - box) < 0.02).all(axis=-1).sum()  # noqa: E731
    assert near_box(diverged) > 500 and near_box(calm) == 0


def test_every_change_redraws_the_figure(explorer):
    explorer.alpha_slider.value = 0.1
    before, count = explorer.image.value, explorer.redraws
    explorer.iterations_slider.value = 50
    assert explorer.redraws == count + 1
    assert explorer.image.value.tobytes() != bytes(before)
    assert "50 iterations" in explorer.readout_text


def test_overflowing_costs_give_a_message_not_an_error():
    X = np.array([[1e200, 0.0], [2e200, 1.0]])  # one step of α = 10 sends w·x to infinity
    y = np.array([0.0, 1.0])
    explorer = widgets.logistic_regression_explorer(X, y, alpha=10.0, num_iters=20)
    assert explorer.message == ("α too large: the cost grew from 0.693 to infinity "
                                "(it overflowed at step 1)")
    assert not np.isfinite(explorer.costs[-1])
    assert explorer.image.value.tobytes().startswith(PNG_SIGNATURE)


def test_a_failure_inside_an_update_is_shown_not_raised(monkeypatch):
    explorer = widgets.logistic_regression_explorer(num_iters=10)

    def broken():
        raise RuntimeError("<boom>")

    monkeypatch.setattr(explorer, "_train_and_draw", broken)
    explorer.iterations_slider.value = 11  # must not raise
    assert explorer.message == "could not train or draw: RuntimeError: <boom>"
    assert "&lt;boom&gt;" in explorer.readout.value
    assert explorer.image.value.tobytes().startswith(PNG_SIGNATURE)


def test_divergence_message_wording():
    assert widgets.divergence_message([0.7, 0.6, 0.5]) is None
    assert widgets.divergence_message([0.7, 0.9]) == "α too large: the cost grew from 0.7 to 0.9"
    assert widgets.divergence_message([0.7, 9.0, np.nan], what="loss") == (
        "α too large: the loss grew from 0.7 to infinity (it overflowed at step 2)")


def test_controls_refuse_bad_values_by_their_bounds(explorer):
    slider = explorer.alpha_slider
    assert isinstance(slider, ipywidgets.FloatLogSlider)
    assert 10 ** slider.min == pytest.approx(1e-4) and 10 ** slider.max == pytest.approx(10.0)
    for bad in (0.0, -1.0):
        slider.value = bad
        assert slider.value == pytest.approx(1e-4)  # clamped to the smallest α, never ≤ 0
    explorer.iterations_slider.value = 0
    assert explorer.iterations_slider.value == 1
    assert explorer.costs.shape == (2,)


@pytest.mark.parametrize("kwargs, message", [
    ({"alpha": 0.0}, "`alpha` must be greater than 0"),
    ({"alpha": 100.0}, "`alpha` must lie between 0.0001 and 10"),
    ({"num_iters": 0}, "`num_iters` must be an integer of at least 1"),
    ({"num_iters": 10**6}, "`num_iters` must be at most 5000"),
])
def test_explorer_refuses_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        widgets.logistic_regression_explorer(**kwargs)


def test_explorer_refuses_data_that_is_not_two_dimensional():
    with pytest.raises(ValueError, match=r"`X` must have shape \(m, 2\)"):
        widgets.logistic_regression_explorer(np.zeros((4, 3)), np.array([0, 1, 0, 1]))


def test_repr_is_short_and_stable(explorer):
    explorer.alpha_slider.value = 0.1
    explorer.iterations_slider.value = 1000
    assert repr(explorer) == "LogisticRegressionExplorer(alpha=0.1, num_iters=1000)"


# ----- comparing learning rates ----------------------------------------------------------

def test_comparison_draws_one_curve_per_alpha_and_flags_the_diverging_one():
    comparison = widgets.compare_learning_rates(alphas=(0.001, 0.1, 10.0), num_iters=1000)
    assert list(comparison.costs) == ["α = 0.001", "α = 0.1", "α = 10"]
    assert comparison.message == "α = 10 is too large: the cost grew from 0.693 to " \
        f"{comparison.costs['α = 10'][-1]:.3g}"
    assert len(comparison.alpha_sliders) == 3
    finals = [costs[-1] for costs in comparison.costs.values()]
    assert finals[0] > finals[1]
    comparison.alpha_sliders[2].value = 1.0
    assert comparison.message is None and "α = 1" in comparison.costs


def test_comparison_takes_two_or_three_alphas_only():
    with pytest.raises(ValueError, match="two or three"):
        widgets.compare_learning_rates(alphas=(0.1,))
    with pytest.raises(ValueError, match=r"`alphas\[1\]` must be greater than 0"):
        widgets.compare_learning_rates(alphas=(0.1, -1.0))


# ----- the network on the digits -----------------------------------------------------------

def test_network_explorer_shows_loss_curve_and_accuracies(network):
    network.epochs_slider.value = 100
    assert network.losses.shape == (100,)
    assert 0.0 <= network.test_accuracy <= 1.0
    assert f"test accuracy {100 * network.test_accuracy:.1f} %" in network.readout_text
    assert network.image.value.tobytes().startswith(PNG_SIGNATURE)
    assert network.message is None


def test_more_epochs_never_leave_the_training_loss_higher(network):
    losses = []
    for epochs in (1, 2, 5, 10, 25, 50, 100, 200, 500):
        network.epochs_slider.value = epochs
        losses.append(network.train_loss)
    assert all(later <= earlier for earlier, later in zip(losses, losses[1:])), losses
    assert losses[-1] < 0.5 * losses[0]


def test_the_same_settings_give_the_same_training(network):
    network.epochs_slider.value = 30
    first = network.losses.copy()
    network.epochs_slider.value = 31
    network.epochs_slider.value = 30
    np.testing.assert_array_equal(network.losses, first)


def test_network_controls_refuse_zero_epochs_and_non_positive_alpha(network):
    network.epochs_slider.value = 0
    assert network.epochs_slider.value == 1 and network.losses.shape == (1,)
    network.alpha_slider.value = -3.0
    assert network.alpha_slider.value > 0


def test_network_explorer_refuses_bad_arguments():
    with pytest.raises(ValueError, match="`epochs` must be an integer of at least 1"):
        widgets.network_explorer(epochs=0)
    with pytest.raises(ValueError, match="`alpha` must be greater than 0"):
        widgets.network_explorer(alpha=0)
    with pytest.raises(ValueError, match=r"`y_train` must be a 2-D array of shape \(m, 1\)"):
        widgets.network_explorer(((np.zeros((4, 3)), np.zeros(4)),
                                  (np.zeros((2, 3)), np.zeros((2, 1)))))


def test_display_bundle_carries_the_current_figure_as_png(explorer):
    """A stored notebook opened untrusted (or on GitHub) falls back to this PNG."""
    import base64

    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"].startswith("LogisticRegressionExplorer(")
    png = base64.b64decode(bundle["image/png"])
    assert png == explorer.image.value.tobytes()


def test_network_explorer_from_a_generator_restarts_from_the_same_weights():
    explorer = widgets.network_explorer(seed=np.random.default_rng(7), epochs=5)
    first = list(explorer.losses)
    explorer.epochs_slider.value = 6
    explorer.epochs_slider.value = 5
    assert list(explorer.losses) == first
