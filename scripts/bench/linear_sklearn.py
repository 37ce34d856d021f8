"""Yardstick for linear.bench.ts: fits scikit-learn's LinearRegression, Ridge or
LogisticRegression (lbfgs) on the float64 files the benchmark wrote, one BLAS
thread, and writes the coefficients back.
Usage: /usr/bin/python3 linear_sklearn.py '<json spec>'"""
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge  # noqa: E402


def main():
    spec = json.loads(sys.argv[1])
    d, cols = spec["dir"], spec["cols"]
    X = np.fromfile(os.path.join(d, "X.bin"), dtype=np.float64).reshape(-1, cols)
    y = np.fromfile(os.path.join(d, "y.bin"), dtype=np.float64)
    make = {
        "linear_regression": lambda: LinearRegression(),
        "ridge": lambda: Ridge(alpha=spec.get("alpha", 1.0)),
        "logistic_regression": lambda: LogisticRegression(),
    }[spec["model"]]
    best, model = None, None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(spec.get("repeats", 1)):
            t = time.perf_counter()
            model = make().fit(X, y)
            elapsed = time.perf_counter() - t
            best = elapsed if best is None else min(best, elapsed)
    np.asarray(model.coef_, dtype=np.float64).ravel().tofile(os.path.join(d, "coef.bin"))
    n_iter = getattr(model, "n_iter_", None)
    print(json.dumps({"train_seconds": best, "n_iter": None if n_iter is None else np.asarray(n_iter).ravel().tolist()}))


if __name__ == "__main__":
    main()
