"""The figures the lessons draw: sigmoid, decision boundary, cost and loss curves, digits.

Every function returns a matplotlib ``Figure``. Functions that draw one panel take
``ax=None``: give them an axes to draw into a figure of your own (they then return that
axes' figure and leave it open), or let them make a new figure.

A new figure is closed for pyplot before it is returned. In Jupyter this means a figure
appears exactly once, when it is the last expression of a cell (or when you
``display(fig)`` it), never a second time when the cell ends.

The two classes always look different in two ways, colour and marker shape, with the
Okabe-Ito colours that stay distinct for colour-blind readers: class 0 is a blue circle,
class 1 an orange-red triangle.

The pieces, one job each:

- ``classification``  ``plot_sigmoid``, ``plot_data`` and ``plot_decision_boundary``
- ``regions``         ``plot_decision_regions``: any model's boundary, straight or bent
- ``cost_surfaces``   ``cost_grids`` and ``plot_cost_surfaces``: J(w, b) as a surface
- ``curves``          ``plot_cost_history``, ``plot_loss_curves`` and ``plot_regression_fit``
- ``digits``          ``plot_digits``
- ``training``        ``plot_gradient_norms`` and ``plot_validation_runs``: inside training
- ``_base``           the colours, and making and finishing a figure, shared by them all

>>> fig = plot_sigmoid()
>>> fig.axes[0].get_xlabel()
'z'
"""

from course.plots._base import CLASS_STYLE, LINE_COLORS, LINE_STYLES, MISTAKE_COLOR
from course.plots.classification import plot_data, plot_decision_boundary, plot_sigmoid
from course.plots.cost_surfaces import cost_grids, plot_cost_surfaces
from course.plots.curves import plot_cost_history, plot_loss_curves, plot_regression_fit
from course.plots.digits import plot_digits
from course.plots.regions import plot_decision_regions
from course.plots.training import UPDATES_LABEL, plot_gradient_norms, plot_validation_runs

__all__ = ["plot_sigmoid", "plot_data", "plot_decision_boundary", "plot_decision_regions",
           "plot_cost_history",
           "plot_loss_curves", "plot_digits", "cost_grids", "plot_cost_surfaces",
           "plot_regression_fit", "plot_gradient_norms", "plot_validation_runs", "UPDATES_LABEL",
           "CLASS_STYLE", "MISTAKE_COLOR", "LINE_STYLES", "LINE_COLORS"]
