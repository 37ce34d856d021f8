"""Yardstick for csv.bench.ts: pandas.read_csv on the same file, best of N.

Usage: csv_pandas.py PATH REPEATS  ->  prints {"seconds": s, "rows": n, "cols": m}
"""
import json
import sys
import time

import pandas as pd


def main() -> None:
    path, repeats = sys.argv[1], int(sys.argv[2])
    best = float("inf")
    shape = (0, 0)
    for _ in range(repeats):
        t = time.perf_counter()
        df = pd.read_csv(path)
        best = min(best, time.perf_counter() - t)
        shape = df.shape
    print(json.dumps({"seconds": best, "rows": shape[0], "cols": shape[1]}))


if __name__ == "__main__":
    main()
