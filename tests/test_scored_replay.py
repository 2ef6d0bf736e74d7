"""scripts/scored_negatives.py counts a finished run's scored negatives by replaying its batches: the replay must give
exactly what `Counted` counts while the run trains, where the count depends on the shuffle (several length groups,
trimmed batches, a merged last batch for in-batch), for a model-aware pool (DNS, Softmax-v) and for in-batch."""
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
BS = 4   # 69 users: 16-batch length groups of 64 rows, then 5 rows (a batch of 4 and one of 1, which in-batch merges)

@pytest.mark.parametrize('model,sampler,kw,per', [('gru4rec', 'adaptive', dict(pool=5), 6), ('gru4rec', 'in_batch', {}, 1),
                                                  ('sasrec', 'uniform', {}, 1), ('mf', 'softmax', dict(pool=4), 8)])
def test_replay_matches_the_count(model, sampler, kw, per):
    sp = split(synthetic(n_users=69, n_items=40, mean_len=9, min_len=3, max_len=30, seed=1))
    smp = Counted(make_sampler(sampler, seed=3, n_neg=1, **kw, **({} if model == 'mf' else {'share': 'position'})))
    r = fit(sp, model=model, sampler=smp, epochs=3, batch_size=BS, max_len=12, seed=3, progress=False, model_kw=dict(d=8), eval_every=3,
            loss='bpr' if model == 'mf' else 'bce', **({} if model == 'mf' else {'batching': 'length'}))
    rows = training_rows(sp.train, model != 'mf', 12); ml = 2 if sampler == 'in_batch' else 1
    assert len(rows) == (69 if model != 'mf' else len(sp.train.positives().user)) and r.config['batching'] == ('random' if model == 'mf' else 'length')
    n = sn.positions(rows, len(r.history), 3, BS, r.config['batching'], ml)
    assert n > 0 and smp.scored == per * n
    if model != 'mf':   # the control: here the count depends on the shuffle, so the replay is tested, not just the factor
        assert sn.positions(rows, len(r.history), 4, BS, r.config['batching'], ml) != n
    if sampler == 'in_batch':   # the merge fired: one fewer batch per epoch than without it
        assert len(sn.epoch_sizes(rows, BS, sn.torch_gen(3, 'batches'), 'length', 2)) == len(sn.epoch_sizes(rows, BS, sn.torch_gen(3, 'batches'), 'length', 1)) - 1
