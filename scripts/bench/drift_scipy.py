"""Yardstick for drift.bench.ts: runs the same drift tests as driftReport with
NumPy / SciPy on the files the benchmark wrote, times them (best of repeats)
and prints the values so the benchmark can check they agree.

Per numeric feature: window binned on the profile's edges (+ a missing bin),
PSI (fractions floored at 1e-4), jensenshannon(base=2), ks_2samp and
wasserstein_distance of the profile's reference sample against the window's
non-missing values. Per categorical feature: window category counts against
the profile's counts, PSI, jensenshannon, chi2_contingency.
Usage: /usr/bin/python3 drift_scipy.py '<json spec>'
"""
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
from scipy import stats  # noqa: E402
from scipy.spatial.distance import jensenshannon  # noqa: E402

EPS = 1e-4


def psi(r, w):
    r = np.maximum(r, EPS)
    w = np.maximum(w, EPS)
    return float(np.sum((w - r) * np.log(w / r)))


def check(features):
    out = []
    for j, f in enumerate(features):
        if f["kind"] == "numeric":
            win = f["_window"]
            sample = f["_sample"]
            missing = np.isnan(win)
            x = win[~missing]
            edges = np.asarray(f["bin_edges"])
            counts = np.bincount(np.searchsorted(edges, x, side="left"), minlength=len(edges) + 1)
            wv = np.append(counts, missing.sum()) / len(win)
            rv = np.append(f["bin_fractions"], f["missing_fraction"])
            ks = stats.ks_2samp(sample, x)
            out.append({"psi": psi(rv, wv), "js": float(jensenshannon(rv, wv, base=2)),
                        "ks_statistic": float(ks.statistic), "ks_p_value": float(ks.pvalue),
                        "wasserstein": float(stats.wasserstein_distance(sample, x))})
        else:
            win = f["_window"]
            cats = f["categories"]
            values, counts = np.unique(win[win != ""], return_counts=True)  # "" marks missing
            lookup = dict(zip(values.tolist(), counts.tolist()))
            kept = [lookup.get(c, 0) for c in cats]
            other = int(counts.sum()) - sum(kept)
            wc = np.array(kept + [other, int((win == "").sum())], float)
            rc = np.array(f["counts"] + [f["other_count"], f["missing_count"]], float)
            table = np.vstack([rc, wc])
            table = table[:, table.sum(axis=0) > 0]
            chi2, p, dof, _ = stats.chi2_contingency(table)
            rv, wv = rc / f["count"], wc / len(win)
            out.append({"psi": psi(rv, wv), "js": float(jensenshannon(rv, wv, base=2)),
                        "chi2": float(chi2), "chi2_p_value": float(p)})
    return out


def main():
    spec = json.loads(sys.argv[1])
    d = spec["dir"]
    with open(os.path.join(d, "profile.json")) as fh:
        profile = json.load(fh)
    with open(os.path.join(d, "categorical_windows.json")) as fh:
        cat_windows = json.load(fh)
    features = profile["features"]
    # loading is not timed: the cluster reads the profile once per check either way
    for j, f in enumerate(features):
        if f["kind"] == "numeric":
            f["_sample"] = np.asarray(f["sample"], dtype=np.float64)
            f["_window"] = np.fromfile(os.path.join(d, f"window_{j}.bin"), dtype=np.float64)
        else:
            f["_window"] = np.array(["" if v is None else v for v in cat_windows[str(j)]])
    best, result = None, None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(spec.get("repeats", 1)):
            t = time.perf_counter()
            result = check(features)
            elapsed = time.perf_counter() - t
            best = elapsed if best is None else min(best, elapsed)
    print(json.dumps({"seconds": best, "features": result}))


if __name__ == "__main__":
    main()
