"""Lesson 05's NumPy training loops: what ``model.fit`` does, written by the learner.

- ``train_minibatch(X, Y, weights, alpha, epochs, batch_size)``: mini-batch gradient descent
  in a fixed order (``fit`` with ``SGD`` and ``shuffle=False``): each epoch cuts the m images
  into batches of ``batch_size`` (the last may be smaller) and takes one step
  ``p <- p - alpha * g`` per batch, with the gradient of that batch's cost;
- ``rmsprop_step(weights, gradients, s, alpha, rho, epsilon)``: one RMSprop update, Keras 3's
  formula, for every entry of every array::

      s <- rho * s + (1 - rho) * g**2          p <- p - alpha * g / sqrt(s + epsilon)

  returning ``(new weights, new s)``;
- ``train_rmsprop(X, Y, weights, alpha, epochs, batch_size, rho, epsilon)``: the mini-batch
  loop with ``rmsprop_step`` as its update, ``s`` starting at zeros (``fit``'s default
  optimizer, with ``shuffle=False``).

Both loops return ``(final weights, J_history)`` where ``J_history`` has one entry per epoch,
as Keras' ``history.history["loss"]``: the mean of that epoch's batch costs, weighted by batch
size, each measured before its step. They use the lesson's helpers ``cost(X, Y, weights)`` and
``backprop(X, Y, weights)``. Expected answers come from ``course.nn``'s float64
``Sequential.fit``; the learner also computes in float64, hence the tight ``rtol=1e-6``.

Every hidden case of the loops has at least two batches and a smaller last batch, so that each
named mistake changes the result; every case of ``rmsprop_step`` has entries with a zero or a
tiny gradient (|g| < sqrt(epsilon)), where epsilon's place in the formula shows.

>>> args = _rmsprop_step_args(np.random.default_rng(0), first_step=True)
>>> plain = _rmsprop_step(args)
>>> sorted(plain), bool(np.all(plain["s"] >= 0))
(['s', 'weights'], True)
"""

from __future__ import annotations

import numpy as np

from course.exercises._classes import Case, Exercise, Mistake
from course.exercises._plain import plain_array, plain_sequence
from course.exercises.backpropagation import WEIGHT_NAMES, network
from course.exercises.keras_training import LESSON, flat, reference_fit, training_args
from course.losses import BinaryCrossentropy
from course.nn import Sequential


# -- one loop with the knobs of the named mistakes ---------------------------------------------
def _loop(args, rmsprop=False, reset_s="never", weighted=True, drop_last=False,
          whole_set_cost=False, whole_set_gradient=False, per_batch=False, update=True):
    """Mini-batch training written out; ``reset_s`` is "never", "epoch" or "step"."""
    model = network(args, loss=BinaryCrossentropy())
    X, Y, alpha, size = args["X"], args["Y"], args["alpha"], args["batch_size"]
    weights = [np.array(args[name]) for name in WEIGHT_NAMES]
    s = [np.zeros_like(p) for p in weights]
    m = len(X)
    stop = m - size + 1 if drop_last else m
    J_history = []

    def cost_and_gradients(X_part, Y_part):
        model.set_weights(weights)
        grads = model.backward(model.forward(X_part), Y_part)
        return model.evaluate(X_part, Y_part), [g for pair in zip(grads["dW"], grads["db"])
                                                for g in pair]

    for _ in range(args["epochs"]):
        if reset_s == "epoch":
            s = [np.zeros_like(p) for p in weights]
        costs, sizes = [], []
        if whole_set_cost:
            costs, sizes = [cost_and_gradients(X, Y)[0]], [m]
        for start in range(0, stop, size):
            X_batch, Y_batch = X[start:start + size], Y[start:start + size]
            cost, gradients = cost_and_gradients(X_batch, Y_batch)
            if whole_set_gradient:
                gradients = cost_and_gradients(X, Y)[1]
            if not whole_set_cost:
                costs.append(cost)
                sizes.append(len(X_batch))
            if not update:
                continue
            if rmsprop:
                if reset_s == "step":
                    s = [np.zeros_like(p) for p in weights]
                weights, s = _rmsprop_update(weights, gradients, s, alpha, args["rho"],
                                             args["epsilon"])
            else:
                weights = [p - alpha * g for p, g in zip(weights, gradients)]
        if per_batch:
            J_history += costs
        elif weighted:
            J_history.append(np.dot(costs, sizes) / np.sum(sizes))
        else:
            J_history.append(np.mean(costs))
    return {"J_history": np.array(J_history), "weights": flat(weights)}


def _rmsprop_update(weights, gradients, s, alpha, rho, epsilon):
    s = [rho * s_p + (1 - rho) * g ** 2 for s_p, g in zip(s, gradients)]
    weights = [p - alpha * g / np.sqrt(s_p + epsilon) for p, g, s_p in zip(weights, gradients, s)]
    return weights, s


def _loop_cases(optimizer):
    """make_cases for a loop: every case has 2+ batches and a smaller last batch."""
    def cases(rng, visible):
        alpha = (lambda: float(rng.uniform(0.2, 2.0))) if optimizer == "SGD" else \
            (lambda: float(rng.uniform(0.002, 0.05)))
        if visible:
            return [Case(training_args(rng, 10, 2, 4, optimizer, alpha=2 * alpha()),
                         "10 digit-like images, batches of 4 (4 + 4 + 2), 2 epochs"),
                    Case(training_args(rng, 7, 3, 3, optimizer, alpha=alpha()),
                         "7 images, batches of 3 (3 + 3 + 1), 3 epochs")]
        made = []
        for _ in range(3):
            m = int(rng.integers(7, 40))
            size = int(rng.integers(2, m // 2 + 1))
            while m % size == 0:
                size += 1
            made.append(Case(training_args(rng, m, int(rng.integers(2, 5)), size, optimizer,
                                           alpha=alpha())))
        return made
    return cases


def _expected_loop(args):
    weights, losses = reference_fit(args)
    return {"J_history": losses, "weights": weights}


def _call_loop(function, args):
    return function(args["X"], args["Y"], [args[name] for name in WEIGHT_NAMES], args["alpha"],
                    args["epochs"], args["batch_size"])


def _call_rmsprop_loop(function, args):
    return function(args["X"], args["Y"], [args[name] for name in WEIGHT_NAMES], args["alpha"],
                    args["epochs"], args["batch_size"], args["rho"], args["epsilon"])


def _plain_training(result) -> dict:
    weights, J_history = plain_sequence(result, 2, "the pair (weights, J_history)")
    arrays = plain_sequence(weights, 6, "the list of weights [W1, b1, W2, b2, W3, b3]")
    return {"J_history": plain_array(J_history, "J_history").ravel(),
            "weights": flat([plain_array(a, name) for a, name in zip(arrays, WEIGHT_NAMES)])}


def _mistake(**knobs):
    def produce(args):
        return _loop(args, rmsprop=args["optimizer"] == "RMSprop", **knobs)
    return produce


# -- train_minibatch -------------------------------------------------------------------------------
TRAIN_MINIBATCH = Exercise(
    id="train_minibatch", lesson=LESSON, points=3,
    signature="train_minibatch(X, Y, weights, alpha, epochs, batch_size)",
    parts=("J_history", "weights"), make_cases=_loop_cases("SGD"), to_plain=_plain_training,
    expected=_expected_loop, call=_call_loop, rtol=1e-6, atol=1e-10,
    reference=Sequential.fit,
    mistakes=[
        Mistake("the plain mean of the batch costs", _mistake(weighted=False),
                "the last batch is smaller than the others; Keras weighs each batch's cost by "
                "its number of images before averaging over the epoch."),
        Mistake("the last, smaller batch left out", _mistake(drop_last=True),
                "every image belongs to one batch per epoch, the leftover ones too: check "
                "where your range of batch starts stops."),
        Mistake("the cost of the whole set once per epoch", _mistake(whole_set_cost=True),
                "J_history's entry for an epoch is built from the costs of its batches, each "
                "measured just before that batch's step."),
        Mistake("one cost per batch instead of one per epoch", _mistake(per_batch=True),
                "collect the batch costs of an epoch, then append a single number for it."),
        Mistake("the gradient of the whole set at every step", _mistake(whole_set_gradient=True),
                "each step uses the gradient of the current batch only."),
        Mistake("weights that never change", _mistake(update=False),
                "the new weights must replace the old ones before the next batch: assigning "
                "to the loop variable of a for loop over the list changes nothing."),
    ])


# -- rmsprop_step -----------------------------------------------------------------------------------
ARRAY_NAMES = ("W1", "b1", "W2", "b2")


def _rmsprop_step_args(rng, first_step=False, n=None):
    n = n or [int(k) for k in rng.integers(1, 6, 3)]
    args = {}
    for layer, (n_in, n_out) in enumerate(zip(n[:-1], n[1:]), start=1):
        args[f"W{layer}"] = rng.normal(0.0, 1.0, (n_in, n_out))
        args[f"b{layer}"] = rng.normal(0.0, 0.1, (n_out,))
    for name in ARRAY_NAMES:
        g = rng.normal(0.0, 1.0, args[name].shape) * 10.0 ** rng.uniform(-3, 0, args[name].shape)
        args[f"d{name}"] = g
        args[f"s{name}"] = (np.zeros_like(g) if first_step
                            else rng.uniform(0.0, 1.0, g.shape) * 10.0 ** rng.uniform(-6, -1))
    args["db1"] = np.full_like(args["db1"], 1e-5)         # |g| < sqrt(epsilon): epsilon shows
    args["dW1"].flat[0] = 0.0                              # a pixel that is 0 in every image
    args.update(alpha=float(10.0 ** rng.uniform(-3, -1)), rho=float(rng.uniform(0.8, 0.99)),
                epsilon=1e-7)
    return args


def _rmsprop_step_cases(rng, visible):
    if visible:
        return [Case(_rmsprop_step_args(rng, first_step=True, n=[3, 2, 1]),
                     "the first step (s = 0): W1 (3, 2), b1 (2,), W2 (2, 1), b2 (1,)"),
                Case(_rmsprop_step_args(rng, n=[2, 4, 3]),
                     "a later step (s > 0): W1 (2, 4), b1 (4,), W2 (4, 3), b2 (3,)")]
    return [Case(_rmsprop_step_args(rng, first_step=True)), Case(_rmsprop_step_args(rng)),
            Case(_rmsprop_step_args(rng))]


def _step(args, average="entry", one_minus_rho=True, swapped=False, old_s=False, root=True,
          epsilon_outside=False, sign=-1.0):
    """One RMSprop update written out, with the knobs of the named mistakes."""
    rho, alpha, epsilon = args["rho"], args["alpha"], args["epsilon"]
    new_weights, new_s = [], []
    for name in ARRAY_NAMES:
        p, g, s = args[name], args[f"d{name}"], args[f"s{name}"]
        g2 = np.full_like(g, np.mean(g ** 2)) if average == "array" else g ** 2
        keep, add = (1 - rho, rho) if swapped else (rho, 1 - rho if one_minus_rho else 1.0)
        s_new = keep * s + add * g2
        s_used = s if old_s else s_new
        if not root:
            denominator = s_used + epsilon
        elif epsilon_outside:
            denominator = np.sqrt(s_used) + epsilon
        else:
            denominator = np.sqrt(s_used + epsilon)
        new_weights.append(p + sign * alpha * g / denominator)
        new_s.append(s_new)
    return {"weights": flat(new_weights), "s": flat(new_s)}


def _rmsprop_step(args):
    return _step(args)


def _step_mistake(**knobs):
    def produce(args):
        return _step(args, **knobs)
    return produce


def _call_rmsprop_step(function, args):
    return function([args[name] for name in ARRAY_NAMES],
                    [args[f"d{name}"] for name in ARRAY_NAMES],
                    [args[f"s{name}"] for name in ARRAY_NAMES],
                    args["alpha"], args["rho"], args["epsilon"])


def _plain_step(result) -> dict:
    weights, s = plain_sequence(result, 2, "the pair (new weights, new s)")
    parts = {}
    for part, value in (("weights", weights), ("s", s)):
        arrays = plain_sequence(value, len(ARRAY_NAMES), f"the list of new {part}")
        parts[part] = flat([plain_array(a, f"{part}[{i}]") for i, a in enumerate(arrays)])
    return parts


RMSPROP_STEP = Exercise(
    id="rmsprop_step", lesson=LESSON, points=3,
    signature="rmsprop_step(weights, gradients, s, alpha, rho, epsilon)",
    parts=("weights", "s"), make_cases=_rmsprop_step_cases, to_plain=_plain_step,
    expected=_rmsprop_step, call=_call_rmsprop_step, rtol=1e-9, atol=1e-12,
    mistakes=[
        Mistake("one running average per array, not per entry", _step_mistake(average="array"),
                "s has the shape of its array: every entry keeps its own average of its own "
                "squared gradient. Look for a mean (or a sum) over an array."),
        Mistake("the step divided by the old s", _step_mistake(old_s=True),
                "update s first, then divide by the square root of the *new* s (on the first "
                "step the old s is 0, and the step would be enormous)."),
        Mistake("epsilon outside the square root", _step_mistake(epsilon_outside=True),
                "in Keras 3, epsilon is added to s *inside* the square root; it matters where "
                "the gradient is tiny."),
        Mistake("no square root", _step_mistake(root=False),
                "s averages *squared* gradients; the step divides by its square root, so that "
                "its size does not depend on the gradient's scale."),
        Mistake("the new squared gradient without (1 - rho)", _step_mistake(one_minus_rho=False),
                "a running average gives the old s the weight rho and the new g² the weight "
                "1 - rho; the two weights add up to 1."),
        Mistake("rho and 1 - rho swapped", _step_mistake(swapped=True),
                "rho (0.9 by default) is the weight of the *old* average, so s changes slowly."),
        Mistake("a step uphill (+ instead of −)", _step_mistake(sign=+1.0),
                "like gradient descent, RMSprop moves against the gradient."),
    ])


# -- train_rmsprop -----------------------------------------------------------------------------------
TRAIN_RMSPROP = Exercise(
    id="train_rmsprop", lesson=LESSON, points=2,
    signature="train_rmsprop(X, Y, weights, alpha, epochs, batch_size, rho, epsilon)",
    parts=("J_history", "weights"), make_cases=_loop_cases("RMSprop"), to_plain=_plain_training,
    expected=_expected_loop, call=_call_rmsprop_loop, rtol=1e-6, atol=1e-10,
    reference=Sequential.fit, depends_on=("rmsprop_step",),
    mistakes=[
        Mistake("s started again at 0 every epoch", _mistake(reset_s="epoch"),
                "s is the memory of all earlier steps: make it once, before the first epoch."),
        Mistake("s started again at 0 at every step", _mistake(reset_s="step"),
                "s must carry over from one step to the next: keep the s that rmsprop_step "
                "returns."),
        Mistake("plain gradient steps (no RMSprop)", lambda args: _loop(args),
                "each step's update is rmsprop_step's, not p - alpha * g."),
        Mistake("the plain mean of the batch costs", _mistake(weighted=False),
                "as in train_minibatch, weigh each batch's cost by its number of images."),
    ])

EXERCISES = [TRAIN_MINIBATCH, RMSPROP_STEP, TRAIN_RMSPROP]
