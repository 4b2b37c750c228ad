"""Explorers for the learning rate α and the number of iterations or epochs.

Move a slider and the model retrains at once: feel why α = 10 diverges, why α = 1e-4
crawls, and what more epochs buy. Each explorer takes the data (defaulting to the lesson's)
and returns an ipywidgets widget; put it as the last expression of a cell to show it.

The figure is a PNG inside a ``widgets.Image``, so the explorers need nothing beyond stock
JupyterLab and ipywidgets (no ``%matplotlib widget``), and a saved notebook keeps the first
picture. What the learner sees is also kept on the widget for tests and curious readers:
``costs`` (or ``losses``), ``message`` (``None`` when training went well) and
``readout_text``.

The pieces, one job each:

- ``_base``      the ``_Explorer`` base class (controls, figure, readout), the sliders, the
                 PNG rendering and ``divergence_message``
- ``logistic``   ``logistic_regression_explorer`` and ``compare_learning_rates``
- ``network``    ``network_explorer``, the 25-15-1 network on the digits

>>> explorer = logistic_regression_explorer(num_iters=10)
>>> explorer.iterations_slider.value = 20
>>> len(explorer.costs)   # the cost before the first step and after each of the 20
21
"""

from course.widgets._base import DPI, divergence_message
from course.widgets.logistic import (ALPHA_RANGE, MAX_ITERATIONS, LearningRateComparison,
                                     LogisticRegressionExplorer, compare_learning_rates,
                                     logistic_regression_explorer)
from course.widgets.network import (MAX_EPOCHS, NETWORK_ALPHA_RANGE, NetworkExplorer,
                                    network_explorer)

__all__ = ["logistic_regression_explorer", "compare_learning_rates", "network_explorer",
           "divergence_message", "LogisticRegressionExplorer", "LearningRateComparison",
           "NetworkExplorer", "DPI", "ALPHA_RANGE", "NETWORK_ALPHA_RANGE", "MAX_ITERATIONS",
           "MAX_EPOCHS"]
