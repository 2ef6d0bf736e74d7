"""What the one-stage AutoSample mixture costs per epoch against its five candidates, as the catalogue grows.

The question (nbs/results/autosample.ipynb): on NYC (9,989 items) the online mixture's training bill was 2.0-2.2x the
exhaustive plan's, on ML-100k (1,682) and LastFM (3,646) 0.41-0.85x, and its search took 0.53-0.57 of its training time
against 0.14-0.37. Is the catalogue the cause? Here only the number of items changes: synthetic data with the same users
and the same number of interactions, MF d 64 + BPR, batch 1024, the candidates and settings of
studies/autosample/exhaustive_small_mf.yaml, a few epochs each, one thread, side by side in one run.

Run: OMP_NUM_THREADS=1 python bench/autosample_cost.py [--epochs 3] [--items 1500,4000,10000,20000] [--note '...']
Writes bench/results/autosample_cost_cpu.txt (and .csv).
"""
import argparse, os, platform, time
import pandas as pd, torch
from negstudy.data import synthetic, split
from negstudy.train import fit

CANDS = [('uniform', {}), ('popularity', {'alpha': 0.75}), ('in_batch', {}), ('adaptive', {'pool': 10}), ('softmax', {'rho': 1.0, 'pool': 10})]
MIX = dict(n_neg=1, valid_objective='full_ce', prune_below=0.5, prune_patience=3,
           candidates=['uniform', {'name': 'popularity', 'alpha': 0.75}, 'in_batch', {'name': 'adaptive', 'pool': 10},
                       {'name': 'softmax', 'rho': 1.0, 'pool': 10}])

def main():
    ap = argparse.ArgumentParser(); ap.add_argument('--epochs', type=int, default=3)
    ap.add_argument('--items', default='1500,4000,10000,20000'); ap.add_argument('--users', type=int, default=1000)
    ap.add_argument('--mean-len', type=float, default=150)
    ap.add_argument('--note', default='', help='what else ran on the machine meanwhile (written in the header)')
    a = ap.parse_args(); torch.set_num_threads(1)
    kw = dict(model='mf', loss='bpr', epochs=a.epochs, eval_every=a.epochs, batch_size=1024, lr=1e-3, model_kw={'d': 64},
              progress=False, seed=0, patience=100)
    rows = []
    for n in [int(x) for x in a.items.split(',')]:
        sp = split(synthetic(n_users=a.users, n_items=n, mean_len=a.mean_len, max_len=400, seed=0), 'loo')
        singles = {}
        for name, skw in CANDS:
            r = fit(sp, sampler=name, sampler_kw={'n_neg': 1, **skw} if name != 'softmax' else skw, **kw)
            singles[name] = r.train_s / a.epochs
        t0 = time.time(); r = fit(sp, sampler='autosample', sampler_kw=MIX, **kw)
        search = r.history[-1]['search_s']
        rows.append(dict(items=n, interactions=len(sp.train_idx), single_s_per_epoch=round(sum(singles.values()) / len(singles), 3),
                         five_singles_s_per_epoch=round(sum(singles.values()), 3), mixture_s_per_epoch=round(r.train_s / a.epochs, 3),
                         mixture_over_five=round(r.train_s / a.epochs / sum(singles.values()), 2),
                         search_share=round(search / r.train_s, 2), search_s_per_step=round(search / max(r.history[-1]['searches'], 1), 4),
                         rest_over_five=round((r.train_s - search) / a.epochs / sum(singles.values()), 2),
                         pruned=len(r.history[-1].get('pruned', {})), searches=r.history[-1]['searches']))
        print(rows[-1], flush=True)
    df = pd.DataFrame(rows)
    head = (f"# bench/autosample_cost.py --epochs {a.epochs} --items {a.items} --users {a.users} --mean-len {a.mean_len}\n"
            f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, 1 thread, "
            f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}; meanwhile on the machine: {a.note or 'not stated'}\n")
    os.makedirs('bench/results', exist_ok=True)
    with open('bench/results/autosample_cost_cpu.txt', 'w') as f: f.write(head + df.to_string(index=False) + '\n')
    df.to_csv('bench/results/autosample_cost_cpu.csv', index=False)
    print(head + df.to_string(index=False))

if __name__ == '__main__': main()
