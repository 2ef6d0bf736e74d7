"""Standard error of a finished cell's test NDCG@10 over users: the weights it tested (best.pt; final.pt of a train + valid
run; refit/final.pt of a refit cell) re-evaluated, per-user NDCG@10, sd / sqrt(n). With --paired A B: the per-user difference B - A of two cells tested on the
same split (same dataset, protocol and seed), its mean and standard error (a paired comparison: far tighter than the
two standard errors side by side, because both models find the same users easy or hard).

Run: NEGSTUDY_DATA=../shared/data python scripts/ndcg_se.py runs/quality-ml1m-cpu-paper/df6877c096e0 [more cell folders]
     NEGSTUDY_DATA=../shared/data python scripts/ndcg_se.py --paired runs/quality-ml1m-cpu-paper/067fe96beefb runs/quality-ml1m-cpu-final/6ace786fda6a
Needs each cell's metrics.json (its config) and weights; checks the re-evaluated mean against metrics.json.
"""
import json, sys
from pathlib import Path
import numpy as np, torch
from negstudy.core import ConfigError
from negstudy.study import _data
from negstudy.models import make_model
from negstudy.train import evaluate

def per_user(d:Path):
    "The cell's per-user test NDCG@10 (in the split's user order), its config and the weights file it used."
    m = json.loads((d / 'metrics.json').read_text()); c = m['config']; sp = _data(c); ml = c['train'].get('max_len', 200)
    names = ['refit/final.pt'] if m.get('refit') else ['best.pt', 'final.pt']   # the weights its test metrics came from
    w = next((d / f for f in names if (d / f).exists()), None)
    if w is None: raise ConfigError(f"{d}: no {' or '.join(names)} (the weights of the model it tested) is there")
    net = make_model(c['model'], sp.source.n_items, sp.source.n_users, **({'max_len': ml} if c['model'] != 'mf' else {}), **c['model_kw'])
    net.load_state_dict(torch.load(w, weights_only=True, map_location='cpu'))
    out = evaluate(net, sp, 'test', ks=(10,), max_len=ml, return_ranks=True)
    nd = np.where(out['ranks'] < 10, 1 / np.log2(out['ranks'] + 2), 0.0)
    assert abs(nd.mean() - m['test']['ndcg@10']) < 1e-6, (nd.mean(), m['test']['ndcg@10'])
    return nd, c, str(w.relative_to(d))

se = lambda x: x.std(ddof=1) / np.sqrt(len(x))
args = sys.argv[1:]
if args[:1] == ['--paired']:
    if len(args) != 3: sys.exit("usage: ndcg_se.py --paired CELL_A CELL_B")
    (a, ca, wa), (b, cb, wb) = per_user(Path(args[1])), per_user(Path(args[2]))
    key = lambda c: (c['dataset'], c['seed'], json.dumps(c.get('data_kw', {}), sort_keys=True))
    if key(ca) != key(cb) or len(a) != len(b):
        sys.exit(f"not the same test split: {key(ca)} vs {key(cb)} ({len(a)} vs {len(b)} users)")
    diff = b - a
    print(f"A {args[1]} ({wa}): {a.mean():.4f}; B {args[2]} ({wb}): {b.mean():.4f}; over {len(a)} users: "
          f"B - A {diff.mean():+.4f}, standard error {se(diff):.4f} (t = {diff.mean() / se(diff):.2f}); "
          f"B better for {(diff > 0).sum()} users, worse for {(diff < 0).sum()}")
else:
    for d in map(Path, args):
        nd, c, wn = per_user(d)
        print(f"{d.name} seed {c['seed']} ({wn}): test NDCG@10 {nd.mean():.4f} over {len(nd)} users, "
              f"per-user sd {nd.std(ddof=1):.4f}, standard error {se(nd):.4f}")
