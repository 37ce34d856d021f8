"""Yardstick for mlp.bench.ts: seconds per epoch of scikit-learn's MLPRegressor
(adam, the same layers and batch size) on random data of the same shape.

Usage: /usr/bin/python3 mlp_sklearn.py ROWS COLS EPOCHS BATCH  ->  {"epoch_seconds": s}
"""
import json
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPRegressor


def main() -> None:
    rows, cols, epochs, batch = (int(a) for a in sys.argv[1:5])
    rng = np.random.default_rng(0)
    X = rng.normal(size=(rows, cols))
    y = np.sin(X[:, 0]) + 0.5 * X[:, 1] * X[:, 2] + 0.1 * rng.normal(size=rows)
    model = MLPRegressor(hidden_layer_sizes=(64, 32), batch_size=batch, max_iter=epochs, learning_rate_init=0.001,
                         tol=0, n_iter_no_change=epochs + 1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', ConvergenceWarning)
        t = time.perf_counter()
        model.fit(X, y)
        elapsed = time.perf_counter() - t
    print(json.dumps({"epoch_seconds": elapsed / model.n_iter_}))


if __name__ == "__main__":
    main()
