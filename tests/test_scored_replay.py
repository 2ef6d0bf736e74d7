"""scripts/scored_negatives.py counts a finished run's scored negatives by replaying its batches: the replay must give
exactly what `Counted` counts while the run trains (variable lengths, trimmed batches, a model-aware pool, in-batch)."""
import importlib.util
from pathlib import Path
import pytest
from negstudy.data import synthetic, split
from negstudy.samplers import make_sampler
from negstudy.autosample import Counted
from negstudy.train import fit, training_rows

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location('scored_negatives', ROOT / 'scripts' / 'scored_negatives.py')
sn = importlib.util.module_from_spec(spec); spec.loader.exec_module(sn)

@pytest.mark.parametrize('model,sampler,kw,per', [('gru4rec', 'adaptive', dict(pool=5), 6), ('gru4rec', 'in_batch', {}, 1),
                                                  ('sasrec', 'uniform', {}, 1), ('mf', 'softmax', dict(pool=4), 8)])
def test_replay_matches_the_count(model, sampler, kw, per):
    sp = split(synthetic(n_users=70, n_items=40, mean_len=9, min_len=3, max_len=30, seed=1))
    smp = Counted(make_sampler(sampler, seed=3, n_neg=1, share='position', **kw) if model != 'mf' else make_sampler(sampler, seed=3, n_neg=1, **kw))
    r = fit(sp, model=model, sampler=smp, epochs=3, batch_size=16, max_len=12, seed=3, progress=False, model_kw=dict(d=8), eval_every=3,
            loss='bpr' if model == 'mf' else 'bce')
    rows = training_rows(sp.train, model != 'mf', 12)
    n = sn.positions(rows, len(r.history), 3, 16, r.config['batching'], 2 if sampler == 'in_batch' else 1)
    assert smp.scored == per * n and n > 0
