"""The feedback study's per-run measurements (issue 23), from each finished cell's metrics.json and best.pt: test HR /
NDCG / user coverage @10, pairwise accuracy of held-out liked over disliked items, epochs and training seconds to 95% of
the run's best validation score, the measured false-negative rate of its sampler's negatives (exact on the simulated
radio, `Radio.p_like`; on real data the share that are the user's own positives anywhere in the data) and, for a model
with feedback inputs, the cosine similarities of its learned feedback-type embeddings (with each other, and with the
items each type marks). On the simulated radio also the
true quality of what it recommends, free of exposure bias: the mean probability that each user likes the 10 songs
recommended to them (`true_like@10`, from `Radio.p_like`; 1,000 songs, each user's liked ones excluded). One CSV per runs
folder, beside it.

    NEGSTUDY_DATA=../shared/data python scripts/feedback_metrics.py results/feedback/radio_targets [more folders]
"""
import argparse, json
from pathlib import Path
import numpy as np, pandas as pd, torch
from negstudy.train import FitResult
from negstudy.feedback import feedback_report, type_similarity, type_item_alignment
from fn_rates import load_run

def measure(f:Path) -> dict|None:
    if (run := load_run(f)) is None: return None
    m, sp, net, truth = run; c = m['config']; fc = m['fit_config']
    r = FitResult(m['history'], m['best_epoch'], m['valid'], m['test'], m['wall_s'], m['train_s'], m['seqs_per_s'], m['device'], fc, net)
    with torch.no_grad(): rep = feedback_report(r, sp, truth)
    assert abs(rep['ndcg@10'] - m['test']['ndcg@10']) < 1e-6, (f, rep['ndcg@10'], m['test']['ndcg@10'])   # the same test as the run's
    row = dict(dataset=c['dataset'], sampler=c['sampler'], sampler_kw=json.dumps(c['sampler_kw'], sort_keys=True), seed=c['seed'],
               feedback_inputs=bool(fc.get('feedback_inputs', False)), data_kw=json.dumps(c['data_kw'], sort_keys=True),
               **{k: round(float(v), 5) for k, v in rep.items()}, best_epoch=m['best_epoch'], epochs_run=m['epochs_run'],
               train_s=round(m['train_s'], 2), id=m['id'])
    if c['dataset'] == 'radio':   # what a user would actually think of the top 10, by the simulator's truth
        rec = r.recommend(np.arange(1, sp.source.n_users + 1), k=10, sp=sp, source_ids=False)
        row['true_like@10'] = round(float(np.mean(truth(rec.user.to_numpy(), rec.item.to_numpy()))), 5)
    if row['feedback_inputs']:
        ts = type_similarity(net, sp.source.kinds)
        row.update({f'cos_{a}_{b}': round(float(ts.loc[a, b]), 4) for i, a in enumerate(sp.source.kinds) for b in sp.source.kinds[i + 1:]})
        row.update({f'align_{k}': round(v, 4) for k, v in type_item_alignment(net, sp.train).items()})   # cos(type, the items it marks)
    return row

def main():
    ap = argparse.ArgumentParser(); ap.add_argument('runs', nargs='+'); a = ap.parse_args()
    torch.set_num_threads(1)
    for runs in a.runs:
        rows = [r for f in sorted(Path(runs).glob('*/metrics.json')) if (r := measure(f)) is not None]
        for r in rows: print({k: r[k] for k in ('sampler', 'sampler_kw', 'seed', 'ndcg@10', 'pairwise_acc', 'fnr')})
        out = Path(runs).with_name(Path(runs).name + '_metrics.csv'); tmp = out.with_suffix('.tmp')
        pd.DataFrame(rows).to_csv(tmp, index=False); tmp.replace(out); print('wrote', out, len(rows), 'runs')

if __name__ == '__main__': main()
