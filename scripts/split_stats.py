"""What each sampler grid's split leaves to learn (issue 22): for the first cell of each spec (the split depends on the
dataset, its protocol and the seed; seed 0 here), the events in train / validation / test, the test users, and the share
of test events whose item never occurs among the training positives (a "cold" item: the model scores it with the
random embedding it started with) or occurs fewer than 5 times, and the item-popularity skew of the data the cells
load (`gini`: the Gini of item counts, `negstudy.data.stats`; for a user sample such as yoochoose30_loo's, the sample's,
not the whole dataset's of figures/dataset_stats.csv; every kind of event counts, dislikes included) and, as `gini_split`,
of the positives the split keeps (train, validation and test together: a protocol that drops short sequences drops their
items' events too). Writes a CSV the results notebook reads (results notebooks never
load data).

    NEGSTUDY_DATA=../shared/data python scripts/split_stats.py studies/sampler/ml-100k_apple.yaml studies/sampler/kuairand_apple.yaml studies/sampler/nyc_apple.yaml studies/sampler/lastfm_loo.yaml studies/sampler/yoochoose30_loo.yaml --out results/sampler/split_stats.csv
"""
import argparse
from pathlib import Path
import numpy as np, pandas as pd
from negstudy.core import atomic_path
from negstudy.study import load_spec, expand, _data
from negstudy.data import stats
from negstudy.metrics import gini

def split_stats(spec_path) -> dict:
    c = expand(load_spec(spec_path))[0]; sp = _data(c)
    tr, va, te = (s.positives() for s in (sp.train, sp.valid, sp.test))
    cnt = np.bincount(tr.item, minlength=sp.source.n_items + 1)[te.item]
    kept = np.bincount(np.concatenate([tr.item, va.item, te.item]), minlength=sp.source.n_items + 1)[1:]   # every item, as stats() counts them
    return dict(spec=Path(spec_path).stem, dataset=c['dataset'], protocol=c['data_kw'].get('protocol', 'loo'), seed=c['seed'],
                train=len(tr.item), valid=len(va.item), test=len(te.item), test_users=len(np.unique(te.user)),
                items=sp.source.n_items, test_cold_share=round(float((cnt == 0).mean()), 4), test_under5_share=round(float((cnt < 5).mean()), 4),
                gini=round(float(stats(sp.source)['gini']), 4), gini_split=round(gini(kept), 4))

if __name__ == '__main__':
    ap = argparse.ArgumentParser(); ap.add_argument('specs', nargs='+'); ap.add_argument('--out', required=True); a = ap.parse_args()
    df = pd.DataFrame([split_stats(s) for s in a.specs])
    with atomic_path(a.out) as tmp: df.to_csv(tmp, index=False)
    print(df.to_string(index=False))
