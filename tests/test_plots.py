"""Tests for course.plots: every figure is drawn (Agg) and shows what it promises."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from course import plots  # noqa: E402

SIX_X = np.array([[0.5, 1.5], [1, 1], [1.5, 0.5], [3, 0.5], [2, 2], [1, 2.5]])
SIX_Y = np.array([0, 0, 0, 1, 1, 1])


def _render(fig, tmp_path, name):
    """Draw the figure to a PNG file, as Jupyter would; returns the path."""
    path = tmp_path / f"{name}.png"
    fig.savefig(path)
    assert path.stat().st_size > 1000
    return path


def test_a_new_figure_is_returned_and_not_left_open_for_pyplot(tmp_path):
    before = plt.get_fignums()
    fig = plots.plot_sigmoid()
    assert isinstance(fig, Figure)
    assert plt.get_fignums() == before  # nothing left for the notebook to show twice
    _render(fig, tmp_path, "sigmoid")


def test_sigmoid_curve_passes_through_one_half_at_zero():
    ax = plots.plot_sigmoid().axes[0]
    x, y = ax.lines[0].get_data()
    assert y[np.argmin(np.abs(x))] == pytest.approx(0.5)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("z", "g(z)")
    assert ax.get_title()


def test_decision_boundary_line_is_where_w_x_plus_b_is_zero(tmp_path):
    w, b = np.array([1.0, 1.0]), -3.0
    fig = plots.plot_decision_boundary(SIX_X, SIX_Y, w, b, title="Six points")
    ax = fig.axes[0]
    assert ax.get_title() == "Six points"
    assert ax.get_xlabel() and ax.get_ylabel()
    (line,) = ax.lines
    x1, x2 = line.get_data()
    np.testing.assert_allclose(w[0] * x1 + w[1] * x2 + b, 0.0, atol=1e-12)
    assert ax.get_legend_handles_labels()[1] == ["y = 0", "y = 1", "decision boundary"]
    _render(fig, tmp_path, "boundary")


def test_the_two_classes_differ_in_marker_and_colour():
    ax = plots.plot_decision_boundary(SIX_X, SIX_Y, [1.0, 1.0], -3.0).axes[0]
    class0, class1 = ax.collections[-2:]
    assert len(class0.get_offsets()) == 3 and len(class1.get_offsets()) == 3
    assert not np.allclose(class0.get_facecolor(), class1.get_facecolor())
    assert plots.CLASS_STYLE[0]["marker"] != plots.CLASS_STYLE[1]["marker"]
    paths = [c.get_paths()[0].vertices.shape for c in (class0, class1)]
    assert paths[0] != paths[1]  # a circle and a triangle are different shapes


def test_vertical_boundary_when_the_second_weight_is_zero():
    ax = plots.plot_decision_boundary(SIX_X, SIX_Y, [2.0, 0.0], -4.0).axes[0]
    (line,) = ax.lines
    np.testing.assert_allclose(line.get_xdata(), 2.0)


def test_no_boundary_line_when_w_is_zero():
    ax = plots.plot_decision_boundary(SIX_X, SIX_Y, [0.0, 0.0], 1.0).axes[0]
    assert not ax.lines


def test_decision_boundary_draws_into_a_given_axes_and_leaves_its_figure_alone():
    fig, (left, right) = plt.subplots(1, 2)
    try:
        returned = plots.plot_decision_boundary(SIX_X, SIX_Y, [1.0, 1.0], -3.0, ax=right)
        assert returned is fig
        assert not left.collections and right.collections
        assert fig.number in plt.get_fignums()  # the caller's figure stays open
    finally:
        plt.close(fig)


def test_decision_boundary_refuses_three_features():
    with pytest.raises(ValueError, match=r"`X` must have shape \(m, 2\)"):
        plots.plot_decision_boundary(np.zeros((4, 3)), [0, 1, 0, 1], [1.0, 1.0], 0.0)


def test_plot_data_has_both_classes():
    ax = plots.plot_data(SIX_X, SIX_Y.reshape(-1, 1)).axes[0]
    assert [len(c.get_offsets()) for c in ax.collections] == [3, 3]


def test_cost_history_plots_every_cost_against_its_iteration(tmp_path):
    costs = [0.69, 0.5, 0.42, 0.4]
    fig = plots.plot_cost_history(costs, title="Cost")
    ax = fig.axes[0]
    x, y = ax.lines[0].get_data()
    np.testing.assert_array_equal(x, [0, 1, 2, 3])
    np.testing.assert_allclose(y, costs)
    assert (ax.get_xlabel(), ax.get_title()) == ("updates done (0 = before training)", "Cost")
    assert ax.get_yscale() == "linear"
    _render(fig, tmp_path, "cost")


def test_cost_history_log_scale_and_non_finite_costs_are_left_out(tmp_path):
    fig = plots.plot_cost_history([0.7, 5.0, np.inf, np.nan], log_y=True)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    y = ax.lines[0].get_ydata()
    assert np.isfinite(y[:2]).all() and np.isnan(y[2:]).all()
    _render(fig, tmp_path, "cost_diverged")


def test_loss_curves_one_line_each_with_distinct_styles(tmp_path):
    curve = np.linspace(0.7, 0.1, 50)
    fig = plots.plot_loss_curves({"NumPy": curve, "Keras": curve}, title="Same curve")
    ax = fig.axes[0]
    assert len(ax.lines) == 2
    assert ax.lines[0].get_linestyle() != ax.lines[1].get_linestyle()
    assert ax.get_legend_handles_labels()[1] == ["NumPy", "Keras"]
    assert ax.get_title() == "Same curve"
    _render(fig, tmp_path, "loss_curves")


def test_loss_curves_say_what_the_x_axis_counts():
    assert plots.plot_loss_curves({"J": [0.7, 0.5]}).axes[0].get_xlabel() == "epoch"
    fig = plots.plot_loss_curves({"J": [0.7, 0.5]}, xlabel="updates done")
    assert fig.axes[0].get_xlabel() == "updates done"
    with pytest.raises(TypeError, match="`xlabel` must be a string; got int 3"):
        plots.plot_loss_curves({"J": [0.7, 0.5]}, xlabel=3)


def test_loss_curves_refuse_an_empty_dict():
    with pytest.raises(ValueError, match="`curves` must be a non-empty dict"):
        plots.plot_loss_curves({})


def test_digits_one_image_per_digit_and_mistakes_are_marked(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.random((30, 64))
    y = np.arange(30) % 2
    predictions = y.copy()
    predictions[[0, 5]] = 1 - predictions[[0, 5]]  # two mistakes
    fig = plots.plot_digits(X, y.reshape(-1, 1), predictions=predictions, n=30, title="Test")
    image_axes = [ax for ax in fig.axes if ax.images]
    assert len(image_axes) == 30
    marked = [ax for ax in image_axes if "✗" in ax.get_title()]
    assert len(marked) == 2
    assert {ax.get_title() for ax in marked} == {"y=0 ŷ=1 ✗", "y=1 ŷ=0 ✗"}
    assert fig._suptitle.get_text() == "Test"
    np.testing.assert_allclose(image_axes[0].images[0].get_array(), X[0].reshape(8, 8))
    _render(fig, tmp_path, "digits")


def test_digits_default_title_counts_mistakes_and_n_is_capped_by_m():
    X, y = np.zeros((5, 64)), np.array([0, 1, 0, 1, 0])
    fig = plots.plot_digits(X, y, predictions=[0.9, 0.8, 0.1, 0.7, 0.2], n=24)
    assert sum(1 for ax in fig.axes if ax.images) == 5
    assert fig._suptitle.get_text() == "5 of 5 digits: 1 misclassified in all, 1 of them shown (framed)"


def test_digits_show_every_mistake_even_in_a_small_sample():
    rng = np.random.default_rng(1)
    X, y = rng.random((200, 64)), np.arange(200) % 2
    predictions = y.copy()
    predictions[[3, 77, 150]] = 1 - predictions[[3, 77, 150]]
    fig = plots.plot_digits(X, y, predictions=predictions, n=8, seed=5)
    assert sum("✗" in ax.get_title() for ax in fig.axes) == 3
    assert fig._suptitle.get_text() == "8 of 200 digits: 3 misclassified in all, 3 of them shown (framed)"


def test_digits_without_predictions_show_labels_only():
    fig = plots.plot_digits(np.zeros((3, 64)), [0, 1, 1], n=3)
    assert sorted(ax.get_title() for ax in fig.axes) == ["y=0", "y=1", "y=1"]


def test_digits_refuse_images_that_are_not_8_by_8():
    with pytest.raises(ValueError, match=r"shape \(m, 64\)"):
        plots.plot_digits(np.zeros((3, 63)), [0, 1, 1])


def test_cost_surfaces_squared_error_is_not_convex_but_log_loss_is(tmp_path):
    fig = plots.plot_cost_surfaces()
    assert len(fig.axes) == 2
    assert [ax.get_title() for ax in fig.axes] == ["Squared error: not convex",
                                                   "Logistic loss: convex"]
    _render(fig, tmp_path, "surfaces")
    assert all(ax.collections for ax in fig.axes)  # a surface in each panel


def test_cost_grids_squared_error_bends_down_somewhere_log_loss_never():
    X, y = np.arange(6.0).reshape(6, 1), np.array([0, 0, 0, 1, 1, 1.0])
    ws = np.linspace(-8, 8, 61)
    W, B, squared, logistic = plots.cost_grids(X, y, ws, [-2.5, 0.0])
    assert W.shape == squared.shape == logistic.shape == (2, 61)
    for row in (0, 1):  # second differences along w, for two values of b
        assert (np.diff(squared[row], 2) < -1e-9).any()      # not convex
        assert (np.diff(logistic[row], 2) >= -1e-12).all()   # convex


def test_regression_fit_line_is_sorted_by_x(tmp_path):
    X = np.array([[2.0], [0.0], [1.0]])
    fig = plots.plot_regression_fit(X, [[2.1], [0.1], [0.9]], [[2.0], [0.0], [1.0]])
    ax = fig.axes[0]
    x, y = ax.lines[0].get_data()
    np.testing.assert_array_equal(x, [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(y, [0.0, 1.0, 2.0])
    assert ax.get_legend_handles_labels()[1] == ["data", "model prediction"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x", "y")
    _render(fig, tmp_path, "regression")


def test_regression_fit_refuses_mismatched_lengths():
    with pytest.raises(ValueError, match="`y_pred` must have one value per row of X"):
        plots.plot_regression_fit([[0.0], [1.0]], [0.0, 1.0], [0.0])


@pytest.mark.parametrize("draw, X", [
    (lambda X, y: plots.plot_decision_boundary(X, y, [1.0, 1.0], -3.0), SIX_X),
    (lambda X, y: plots.plot_digits(X, y), np.zeros((6, 64))),
])
def test_labels_must_match_the_rows_of_X(draw, X):
    with pytest.raises(ValueError, match=r"`y` must have one label per row of X \(6\); got 5"):
        draw(X, SIX_Y[:5])


# ---------------------------------------------------------------------------------------
# Decision regions of any model
# ---------------------------------------------------------------------------------------

def test_decision_regions_draw_a_bent_boundary_and_both_classes():
    from course.data import make_circles
    from course.plots import plot_decision_regions
    X, y = make_circles(m=60, seed=0)
    inside = lambda P: (np.hypot(P[:, 0], P[:, 1]) < 0.7).astype(float)   # a circle
    fig = plot_decision_regions(X, y, inside, title="circle")
    ax = fig.axes[0]
    assert ax.get_title() == "circle"
    assert ax.get_legend_handles_labels()[1] == ["y = 0", "y = 1", "decision boundary"]
    paths = [p for c in ax.collections if hasattr(c, "get_paths") for p in c.get_paths()]
    assert paths   # the 0.5 contour and the shading were drawn


def test_decision_regions_refuse_a_model_with_the_wrong_output():
    from course.plots import plot_decision_regions
    X, y = np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([0, 1])
    with pytest.raises(ValueError, match="one probability per row"):
        plot_decision_regions(X, y, lambda P: np.zeros(3))
    with pytest.raises(TypeError, match="`predict_proba`"):
        plot_decision_regions(X, y, "not a model")
