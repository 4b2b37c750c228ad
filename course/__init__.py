"""Train a neural network: the NumPy reference code behind the course notebooks.

Learners read this package as "the truth" beside the lessons, so every function states its
shapes and its mathematics. The shape conventions hold everywhere:

================  ==============  ==========================================================
name              shape           meaning
================  ==============  ==========================================================
``X``             (m, n)          m examples, one per row, n features each
``y``             (m,)            logistic-regression targets, 0 or 1
``w``             (n,)            logistic-regression weights
``b``             scalar          logistic-regression bias
``Y`` / ``y``     (m, 1)          network targets (Keras' layout)
``W[l]``          (n_in, n_out)   weights of layer l, Keras' ``kernel`` layout
``b[l]``          (n_out,)        biases of layer l
================  ==============  ==========================================================

A mistake is refused at the door: a wrong shape, value, or empty data raises ``ValueError``,
a wrong kind of thing (a string, None) ``TypeError``, each naming the argument, what was
expected and what was received (the full contract is in ``course/_validation.py``).
Everything computes in float64.

Modules, one concept each:

- ``course.logistic``  logistic regression: sigmoid, cost, gradient, gradient descent
- ``course.losses``    binary cross-entropy and mean squared error, Keras' conventions
- ``course.nn``        ``Sequential`` in NumPy with forward, backward (backprop) and fit
- ``course.layers``    ``Input`` and ``Dense``, with Keras' weight layout
- ``course.activations`` linear, sigmoid and relu with their derivatives
- ``course.optimizers`` ``SGD`` (plain gradient descent) and ``RMSprop`` (Keras' default)
- ``course.gradcheck`` finite-difference gradients and relative error
- ``course.data``      the bundled digits (0 vs 1) and seeded synthetic sets
- ``course.plots``     the figures the lessons draw
- ``course.widgets``   explorers for the learning rate and the number of epochs
- ``course.exercises`` the graded exercises: cases, references, known mistakes and hints
- ``course.check``     the checks that follow each exercise
- ``course.quiet``     imports TensorFlow without its C++ start-up messages
- ``course.grading``   the autograder; ``course.authoring`` makes lessons from solutions
"""

__version__ = "0.1.0"
