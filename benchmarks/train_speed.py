"""How fast is the NumPy reference? Three ratios, one process, one run.

    (a) course.nn fit vs keras model.fit, same work: the 25-15-1 sigmoid network on the
        bundled digits (288 x 64), 100 epochs, batch 32, default RMSprop, verbose 0.
        Target: course.nn at least 5x faster.
    (b) vectorized vs loop cost + gradient of logistic regression (course.logistic),
        m = 10,000 examples, n = 100 features. Target: vectorized at least 100x faster.
    (c) one course.nn training step (forward, loss, backward, update) vs the bare matrix
        products it performs (3 forward, 3 for dW, 2 to carry dz back). Target: at most
        1.5x the time of the products alone.

Each figure is printed with its target and PASS or MISS; the script always exits 0
(timings depend on the machine and its load, so they inform, they do not gate).

Run:  TF_CPP_MIN_LOG_LEVEL=2 python benchmarks/train_speed.py
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from course import logistic  # noqa: E402
from course.data import load_digits01  # noqa: E402
from course.losses import BinaryCrossentropy  # noqa: E402
from course.nn import Dense, Input, Sequential  # noqa: E402

EPOCHS, BATCH = 100, 32


def best_time(function, repeats: int = 5) -> float:
    """The fastest of ``repeats`` runs, in seconds (the least disturbed by other work)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def best_times(first, second, repeats: int = 5) -> tuple[float, float]:
    """Best times of two functions, run alternately so that both see the same load."""
    times = ([], [])
    for _ in range(repeats):
        for function, spent in zip((first, second), times):
            start = time.perf_counter()
            function()
            spent.append(time.perf_counter() - start)
    return min(times[0]), min(times[1])


def report(label: str, ratio: float, target: str, passed: bool, detail: str) -> None:
    verdict = "PASS" if passed else "MISS"
    print(f"{label:<58} {ratio:7.1f}x  target {target:<7} {verdict}  ({detail})")


def digits_network(seed: int = 0) -> Sequential:
    return Sequential([Input(shape=(64,)), Dense(25, activation="sigmoid"),
                       Dense(15, activation="sigmoid"), Dense(1, activation="sigmoid")],
                      seed=seed)


def numpy_versus_keras(X: np.ndarray, y: np.ndarray) -> None:
    """(a) the same 100 epochs in course.nn and in Keras."""
    from course.quiet import import_tensorflow

    import_tensorflow()  # without TensorFlow's C++ start-up lines in the report
    import keras

    def ours():
        model = digits_network()
        model.compile(loss=BinaryCrossentropy())
        model.fit(X, y, epochs=EPOCHS, batch_size=BATCH, verbose=0)

    def theirs():
        model = keras.Sequential([keras.Input(shape=(64,)),
                                  keras.layers.Dense(25, activation="sigmoid"),
                                  keras.layers.Dense(15, activation="sigmoid"),
                                  keras.layers.Dense(1, activation="sigmoid")])
        model.set_weights(digits_network().get_weights())
        model.compile(loss=keras.losses.BinaryCrossentropy())
        start = time.perf_counter()
        model.fit(X, y, epochs=EPOCHS, batch_size=BATCH, verbose=0)
        first = time.perf_counter() - start
        start = time.perf_counter()
        model.fit(X, y, epochs=EPOCHS, batch_size=BATCH, verbose=0)  # already traced
        return first, time.perf_counter() - start

    ours_time = best_time(ours, repeats=3)
    keras_first, keras_again = theirs()
    report("(a) course.nn fit vs keras fit (first call)", keras_first / ours_time, ">= 5x",
           keras_first >= 5 * ours_time, f"{ours_time:.3f} s vs {keras_first:.2f} s")
    report("    same, keras' second fit (already traced)", keras_again / ours_time, ">= 5x",
           keras_again >= 5 * ours_time, f"{ours_time:.3f} s vs {keras_again:.2f} s")


def vectorized_versus_loop() -> None:
    """(b) cost + gradient at m = 10,000, n = 100, written with loops and with arrays."""
    rng = np.random.default_rng(0)
    m, n = 10_000, 100
    X = rng.normal(size=(m, n))
    y = (rng.random(m) < 0.5).astype(float)
    w, b = rng.normal(size=n) * 0.1, 0.2

    def vectorized():
        logistic.compute_cost(X, y, w, b)
        logistic.compute_gradient(X, y, w, b)

    def loops():
        logistic.compute_cost_loop(X, y, w, b)
        logistic.compute_gradient_loop(X, y, w, b)

    fast = best_time(vectorized, repeats=20)
    slow = best_time(loops, repeats=2)
    report("(b) vectorized vs loop cost + gradient", slow / fast, ">= 100x", slow >= 100 * fast,
           f"{fast * 1e3:.2f} ms vs {slow:.2f} s")


def step_versus_products(X: np.ndarray, y: np.ndarray, batch: int, label: str) -> None:
    """(c) time per training step of ``fit`` against the step's eight matrix products."""
    model = digits_network()
    model.compile(loss=BinaryCrossentropy(), optimizer="sgd")
    m = X.shape[0]
    steps = -(-m // batch) * EPOCHS
    W1, _, W2, _, W3, _ = model.get_weights()
    rng = np.random.default_rng(1)
    batches = [(X[s:s + batch], rng.random((len(X[s:s + batch]), 25)),
                rng.random((len(X[s:s + batch]), 15)), rng.random((len(X[s:s + batch]), 1)))
               for s in range(0, m, batch)]

    def training():
        model.fit(X, y, epochs=EPOCHS, batch_size=batch, shuffle=False)

    def products():
        for _ in range(EPOCHS):
            for a0, a1, a2, dz3 in batches:
                a0 @ W1, a1 @ W2, a2 @ W3                    # forward: z = a_in @ W
                a2.T @ dz3                                   # layer 3: dW
                dz2 = dz3 @ W3.T                             # carry dz back to layer 2
                a1.T @ dz2                                   # layer 2: dW
                dz1 = dz2 @ W2.T                             # carry dz back to layer 1
                a0.T @ dz1                                   # layer 1: dW

    def inline():
        """The same SGD step written out flat (no classes, no cache), the NumPy floor."""
        W1, b1, W2, b2, W3, b3 = model.get_weights()
        for _ in range(EPOCHS):
            for start in range(0, m, batch):
                a0, yb = X[start:start + batch], y[start:start + batch]
                a1 = 1.0 / (1.0 + np.exp(-(a0 @ W1 + b1)))
                a2 = 1.0 / (1.0 + np.exp(-(a1 @ W2 + b2)))
                z3 = a2 @ W3 + b3
                a3 = 1.0 / (1.0 + np.exp(-z3))
                np.mean(np.maximum(z3, 0) - z3 * yb + np.log1p(np.exp(-np.abs(z3))))
                dz3 = (a3 - yb) / yb.size
                dz2 = (dz3 @ W3.T) * a2 * (1 - a2)
                dz1 = (dz2 @ W2.T) * a1 * (1 - a1)
                for W, b, a_in, dz in ((W3, b3, a2, dz3), (W2, b2, a1, dz2), (W1, b1, a0, dz1)):
                    W -= 0.01 * (a_in.T @ dz)
                    b -= 0.01 * dz.sum(axis=0)

    step, bare = (t / steps for t in best_times(training, products, repeats=5))
    report(f"(c) training step vs its matrix products, {label}", step / bare, "<= 1.5x",
           step <= 1.5 * bare, f"{step * 1e6:.0f} us vs {bare * 1e6:.0f} us per step")
    step, flat = (t / steps for t in best_times(training, inline, repeats=5))
    print(f"    for reference: vs the same step written inline        {step / flat:7.1f}x  "
          f"({step * 1e6:.0f} us vs {flat * 1e6:.0f} us per step)")


def main() -> int:
    (X, y), _ = load_digits01()
    print(f"course benchmark: 25-15-1 sigmoid network, digits {X.shape}, {EPOCHS} epochs; "
          f"best of several runs\n")
    numpy_versus_keras(X, y)
    vectorized_versus_loop()
    step_versus_products(X, y, BATCH, f"batch {BATCH}")
    step_versus_products(X, y, X.shape[0], f"full batch {X.shape[0]}")
    big_X = np.random.default_rng(2).random((20_000, 64))
    big_y = (big_X[:, :1] > 0.5).astype(float)
    step_versus_products(big_X, big_y, big_X.shape[0], "full batch 20,000")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
