"""Full-ranking evaluation of a large catalogue: MF (d = 32) on the hard-negative paper's Gowalla matrix
(29,858 users x 40,988 items; per-user random 80/20 split, 10% of train for validation), valid and test stages,
training items filtered. Side by side: counting each target's rank by gathering every target's score row at once
(the previous implementation) vs in cache-sized blocks (now). Same ranks, asserted.

Run: NEGSTUDY_DATA=../shared/data python bench/eval.py [--device cuda]
Without the data folder it uses a synthetic matrix of the same shape (stated in the output).
"""
import argparse, time, platform, os, statistics
import numpy as np, torch, pandas as pd
import negstudy.metrics as M
from negstudy.data import load, split, synthetic, DataError
from negstudy.models import make_model
from negstudy.train import evaluate
from negstudy.core import get_device

def gathered_at_once(s, t_row, t_score): return (s[t_row] >= t_score[:, None]).sum(1)

def main():
    ap = argparse.ArgumentParser(); ap.add_argument('--device'); ap.add_argument('--reps', type=int, default=3); a = ap.parse_args()
    dev = get_device(a.device)
    try: ds, what = load('gowalla-hns'), 'gowalla-hns'
    except (DataError, FileNotFoundError) as e:
        ds, what = synthetic(n_users=29858, n_items=40988, mean_len=34, seed=0), 'synthetic, Gowalla-shaped (no data folder)'
    sp = split(ds, protocol='random', test=0.2, valid=0.1, seed=0)
    torch.manual_seed(0); net = make_model('mf', ds.n_items, ds.n_users, d=32).to(dev)
    rows, blocked = [], M._count_at_least
    for stage in ('valid', 'test'):
        res = {}
        for name, f in (('targets gathered at once (previous)', gathered_at_once), ('blocked (now)', blocked)):
            M._count_at_least = f; ts = []
            for _ in range(a.reps):
                if dev.type == 'cuda': torch.cuda.synchronize()
                t0 = time.perf_counter(); out = evaluate(net, sp, stage, ks=(5, 20, 50), batch=256)
                if dev.type == 'cuda': torch.cuda.synchronize()
                ts.append(time.perf_counter() - t0)
            res[name] = out; rows.append(dict(stage=stage, counting=name, median_s=statistics.median(ts), targets=out['n_targets']))
        M._count_at_least = blocked
        assert res['blocked (now)'] == res['targets gathered at once (previous)'], 'the two countings disagree'
    df = pd.DataFrame(rows); df['vs_previous'] = df.median_s / df.groupby('stage').median_s.transform('first')
    print(f"data: {what}; machine: {platform.machine()} {os.cpu_count()} cores, torch {torch.__version__}, device {dev}"
          + (f" ({torch.cuda.get_device_name()})" if dev.type == 'cuda' else f", {torch.get_num_threads()} threads"))
    print(df.to_string(index=False, float_format=lambda v: f'{v:,.3f}'))

if __name__ == '__main__': main()
