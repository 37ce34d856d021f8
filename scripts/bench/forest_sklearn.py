"""Yardstick for forest.bench.ts: trains scikit-learn's RandomForestClassifier
on the float64 files the benchmark wrote and writes its test predictions back.
scikit-learn 1.2 forests reject NaN, so missing values become the column mean
here (the benchmark data has few). Usage: /usr/bin/python3 forest_sklearn.py '<json spec>'"""
import json
import os
import sys
import time

import numpy as np
from sklearn.ensemble import RandomForestClassifier


def main():
    spec = json.loads(sys.argv[1])
    d, cols = spec["dir"], spec["cols"]
    X = np.fromfile(os.path.join(d, "X_train.bin"), dtype=np.float64).reshape(-1, cols)
    y = np.fromfile(os.path.join(d, "y_train.bin"), dtype=np.float64)
    Xt = np.fromfile(os.path.join(d, "X_test.bin"), dtype=np.float64).reshape(-1, cols)
    means = np.nanmean(X, axis=0)
    X = np.where(np.isnan(X), means, X)
    Xt = np.where(np.isnan(Xt), means, Xt)
    best = None
    for _ in range(spec.get("repeats", 1)):
        model = RandomForestClassifier(n_estimators=spec["n_estimators"], n_jobs=spec.get("n_jobs", 2), random_state=0)
        t = time.perf_counter()
        model.fit(X, y)
        elapsed = time.perf_counter() - t
        best = elapsed if best is None else min(best, elapsed)
    t = time.perf_counter()
    pred = model.predict(Xt)
    predict_seconds = time.perf_counter() - t
    np.asarray(pred, dtype=np.float64).tofile(os.path.join(d, "pred.bin"))
    import sklearn
    print(json.dumps({"train_seconds": best, "predict_seconds": predict_seconds, "sklearn": sklearn.__version__}))


if __name__ == "__main__":
    main()
