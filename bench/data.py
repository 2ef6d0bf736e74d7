"""Load ML-1M and make its leave-one-out split: vectorised package code vs a per-interaction Python loop.

Run: NEGSTUDY_DATA=../shared/data python bench/data.py   (prints a table; medians of 3 runs)
"""
import time, statistics, platform, os
import numpy as np, pandas as pd
from negstudy import data

def timeit(f, n=3):
    ts = []
    for _ in range(n):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return statistics.median(ts)

def naive_loo(x):
    "The common reference pattern: a dict of lists per user, appended row by row."
    hist = {}
    for u, i, o in zip(x.user.tolist(), x.item.tolist(), x.order.tolist()): hist.setdefault(u, []).append((o, i))
    train, valid, test = {}, {}, {}
    for u, h in hist.items():
        h.sort(); items = [i for _, i in h]
        train[u], valid[u], test[u] = items[:-2], items[-2], items[-1]
    return train, valid, test

if __name__ == '__main__':
    if 'ml-1m' not in data.available(): raise SystemExit('set NEGSTUDY_DATA to a folder holding ml-1m/')
    x = data.load('ml-1m')
    rows = [('load ml-1m (package)', timeit(lambda: data.load('ml-1m'))),
            ('loo split (package, vectorised)', timeit(lambda: data.split(x, 'loo'))),
            ('loo split (naive per-row Python loop)', timeit(lambda: naive_loo(x)))]
    sp, (tr, va, te) = data.split(x, 'loo'), naive_loo(x)
    assert sorted(zip(sp.test.user, sp.test.item)) == sorted(te.items())   # same answer
    df = pd.DataFrame(rows, columns=['step', 'median_s'])
    df['vs_naive_split'] = df['median_s'] / rows[2][1]
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}")
    print(df.to_string(index=False, float_format='%.4f'))
