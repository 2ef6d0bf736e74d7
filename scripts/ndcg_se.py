"""Standard error of a finished cell's test NDCG@10 over users: its best.pt re-evaluated, per-user NDCG@10, sd / sqrt(n).

Run: NEGSTUDY_DATA=../shared/data python scripts/ndcg_se.py runs/quality-ml1m-cpu-paper/df6877c096e0 [more cell folders]
Needs the cell's metrics.json (its config) and best.pt; checks the re-evaluated mean against metrics.json.
"""
import json, sys
from pathlib import Path
import numpy as np, torch
from negstudy.study import _data
from negstudy.models import make_model
from negstudy.train import evaluate

for d in map(Path, sys.argv[1:]):
    m = json.loads((d / 'metrics.json').read_text()); c = m['config']; sp = _data(c); ml = c['train'].get('max_len', 200)
    net = make_model(c['model'], sp.source.n_items, sp.source.n_users, **({'max_len': ml} if c['model'] != 'mf' else {}), **c['model_kw'])
    net.load_state_dict(torch.load(d / 'best.pt', weights_only=True, map_location='cpu'))
    out = evaluate(net, sp, 'test', ks=(10,), max_len=ml, return_ranks=True)
    nd = np.where(out['ranks'] < 10, 1 / np.log2(out['ranks'] + 2), 0.0)
    assert abs(nd.mean() - m['test']['ndcg@10']) < 1e-6, (nd.mean(), m['test']['ndcg@10'])
    print(f"{d.name} seed {c['seed']}: test NDCG@10 {nd.mean():.4f} over {len(nd)} users, "
          f"per-user sd {nd.std(ddof=1):.4f}, standard error {nd.std(ddof=1) / np.sqrt(len(nd)):.4f}")
