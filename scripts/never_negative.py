"""What goes with in-batch's collapse on NYC GRU4Rec (issue 24; results/autosample). In-batch draws its negatives from
the targets of the batch, so an item that is never a training target (not in the last `max_len` events of any user) is
never a negative either: BCE never pushes its score down, while it pushes down every item that is drawn. The suspected
cause is that these items take the top of the ranking; this script measures whether they do (an association; the `mixed`
run below is the direct test):

- per dataset of `exhaustive_small_seq.yaml`, at its `max_len`: the share of the catalogue that is never a training
  target (`never_target`), and the share of validation targets among those items (`valid_in_never`);
- for NYC GRU4Rec + in-batch (seeds 0-2), as the control + uniform (seed 0), and as the direct test + mixed (seed 0:
  the in-batch cell with each negative uniform with probability 1/2, so every item can be a negative): the cell of that
  grid trained again (same seed and settings, validated once, at the end, so the weights kept are the last), for 15
  epochs (about in-batch's best epoch) and for 40 (after its validation has fallen); then, for every validation user,
  the top 10 unseen items of the last weights: the share of those slots held by
  never-target items (`top10_never`), the distinct items recommended, and validation NDCG@10.

Writes one CSV (atomically), a row per (dataset, model, sampler, seed, epochs); about 6 minutes on 1 CPU core:

    OMP_NUM_THREADS=1 NEGSTUDY_DATA=../shared/data python scripts/never_negative.py --out results/autosample/never_negative.csv
"""
import argparse
import numpy as np, pandas as pd, torch
from negstudy.core import atomic_path, project_path
from negstudy.study import load_spec, expand, _data
from negstudy.data import history_pairs
from negstudy.train import fit, training_rows, encode_last, never_target

def never_target_(sp, max_len:int) -> np.ndarray:
    "Boolean per item id (0 = padding, False): never a target of `fit`'s training rows at `max_len` (the package's own test)."
    return never_target(training_rows(sp.train, True, max_len), sp.train.n_items)

@torch.no_grad()
def top10(net, sp, max_len:int) -> np.ndarray:
    "Item ids of each validation user's top 10 unseen items, as the validation ranks them."
    offsets, items = sp.history('valid').positives().sequences(); us = np.unique(sp.valid.user); out = []
    net.eval()
    for a in range(0, len(us), 512):
        ub = us[a:a + 512]; h = encode_last(net, ub, offsets, items, max_len, 'cpu')
        s = net.score_all(h).float(); s[:, 0] = float('-inf')
        hr, hi = history_pairs(offsets, items, ub, 'cpu'); s[hr, hi] = float('-inf')
        out.append(torch.topk(s, 10, 1).indices.numpy())
    return np.concatenate(out)

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0]); ap.add_argument('--out', required=True)
    ap.add_argument('--epochs', default='15,40'); a = ap.parse_args(argv)
    torch.set_num_threads(1)
    cells = expand(load_spec(project_path('studies', 'autosample', 'exhaustive_small_seq.yaml')))
    rows = []
    for ds in ('ml-100k', 'lastfm', 'nyc'):
        c = next(c for c in cells if c['dataset'] == ds and c['seed'] == 0); sp = _data(c); nv = never_target_(sp, c['train']['max_len'])
        rows.append(dict(dataset=ds, model='', sampler='', seed=0, epochs=0, max_len=c['train']['max_len'], never_target=nv[1:].mean(),
                         valid_in_never=nv[sp.valid.item].mean()))
    runs = [(s, seed) for s in ('in_batch',) for seed in (0, 1, 2)] + [('uniform', 0), ('mixed', 0)]
    for sampler, seed in runs:
        if sampler == 'mixed':   # the direct test: the in-batch cell with half its negatives uniform (which reach every item)
            c = next(c for c in cells if (c['dataset'], c['model'], c['sampler'], c['seed']) == ('nyc', 'gru4rec', 'in_batch', seed))
            c = {**c, 'sampler': 'mixed', 'sampler_kw': {**c['sampler_kw'], 'ratio': 0.5}}
        else: c = next(c for c in cells if (c['dataset'], c['model'], c['sampler'], c['seed']) == ('nyc', 'gru4rec', sampler, seed))
        sp = _data(c); nv = never_target_(sp, c['train']['max_len'])
        for ep in map(int, a.epochs.split(',')):
            # one validation, at the end: the weights kept are the last
            tr = {**c['train'], 'epochs': ep, 'eval_every': ep, 'patience': 10 ** 6}
            r = fit(sp, model=c['model'], sampler=c['sampler'], loss=c['loss'], model_kw=c['model_kw'], sampler_kw=c['sampler_kw'],
                    seed=c['seed'], progress=False, **tr)
            top = top10(r.model, sp, tr['max_len'])
            val = [h['val_ndcg10'] for h in r.history if h['epoch'] == ep and 'val_ndcg10' in h]
            rows.append(dict(dataset='nyc', model='gru4rec', sampler=sampler, seed=seed, epochs=ep, max_len=tr['max_len'],
                             never_target=nv[1:].mean(), valid_in_never=nv[sp.valid.item].mean(), top10_never=nv[top].mean(),
                             distinct_top10=len(np.unique(top)), valid_ndcg10=val[0] if val else np.nan))
            print(rows[-1], flush=True)
    with atomic_path(a.out) as tmp: pd.DataFrame(rows).to_csv(tmp, index=False)

if __name__ == '__main__': main()
