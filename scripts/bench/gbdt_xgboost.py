"""Yardstick for gbdt.bench.ts: trains xgboost (tree_method=hist) on the
float64 files the benchmark wrote and writes its test predictions back.
Usage: /usr/bin/python3 gbdt_xgboost.py '<json spec>'"""
import json
import os
import sys
import time

import numpy as np
import xgboost as xgb


def main():
    spec = json.loads(sys.argv[1])
    d, cols = spec["dir"], spec["cols"]
    X = np.fromfile(os.path.join(d, "X_train.bin"), dtype=np.float64).reshape(-1, cols)
    y = np.fromfile(os.path.join(d, "y_train.bin"), dtype=np.float64)
    Xt = np.fromfile(os.path.join(d, "X_test.bin"), dtype=np.float64).reshape(-1, cols)
    params = {
        "tree_method": "hist",
        "nthread": spec.get("nthread", 2),
        "max_depth": spec["max_depth"],
        "eta": spec["learning_rate"],
        "max_bin": spec.get("max_bin", 256),
        "objective": spec["objective"],
    }
    for key in ("base_score", "max_bin"):
        if key in spec:
            params[key] = spec[key]
    if spec["objective"] == "multi:softprob":
        params["num_class"] = spec["num_class"]
    best = None
    best_cpu = None
    for _ in range(spec.get("repeats", 1)):
        t = time.perf_counter()
        c = time.process_time()
        dtrain = xgb.DMatrix(X, label=y, nthread=params["nthread"])
        booster = xgb.train(params, dtrain, spec["n_estimators"])
        elapsed = time.perf_counter() - t
        cpu = time.process_time() - c
        best = elapsed if best is None else min(best, elapsed)
        best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
    t = time.perf_counter()
    pred = booster.predict(xgb.DMatrix(Xt, nthread=params["nthread"]))
    predict_seconds = time.perf_counter() - t
    np.asarray(pred, dtype=np.float64).ravel().tofile(os.path.join(d, "pred.bin"))
    print(json.dumps({"train_seconds": best, "train_cpu_seconds": best_cpu, "predict_seconds": predict_seconds, "xgboost": xgb.__version__}))


if __name__ == "__main__":
    main()
