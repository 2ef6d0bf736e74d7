"""The exhaustive plan's bill in scored negatives (issue 24's cost accounting; results/autosample).

The pipeline cells (`autosample_search`) record how many negative scores each stage cost the model (the loss's, and a
model-aware sampler's pool: `negstudy.autosample.Counted`). The single-candidate cells of the same grids were run as
plain `fit` calls and did not count. This script counts for them after the fact, without training:

- the batches: `fit` draws each epoch's batches from its own generator (`torch_gen(seed, 'batches')`, used by nothing
  else, saved and restored with a checkpoint), so replaying `_length_batches` / `_batches` from that seed gives every
  batch's rows and trimmed length for all `epochs_run` epochs of the run, exactly;
- the scores per (row, position) of a batch: measured, not assumed, by one real training step of the same cell with its
  sampler wrapped in `Counted` (the pipeline's counter), divided by that step's rows x length.

Check: the same replay, applied to each pipeline's retrain stage, must give the scores the pipeline recorded (the script
fails if any differs; the checked retrains go to `<out>_check.csv`). On these grids the check is weaker than it looks:
every sequential dataset has fewer than 128 x 16 rows, so an epoch is one length group and its trimmed lengths do not
depend on the shuffle, and MF batches are untrimmed, so the count does not depend on the generator's seed here; and the
retrains chose uniform, popularity or Softmax-v only. tests/test_scored_replay.py covers the rest: several length groups,
a merged last batch, a different seed giving a different count, and the DNS and in-batch factors.
Writes two CSVs (atomically), a row per single run and a row per checked retrain; about 2 minutes on 1 CPU core:

    OMP_NUM_THREADS=1 NEGSTUDY_DATA=../shared/data python scripts/scored_negatives.py --out results/autosample/scored_negatives.csv
"""
import argparse, json
from pathlib import Path
import numpy as np, pandas as pd, torch
from negstudy.core import atomic_path, project_path, torch_gen
from negstudy.study import _data
from negstudy.samplers import make_sampler
from negstudy.autosample import Counted, _spec
from negstudy.autosearch import SINGLES
from negstudy.train import fit, training_rows, _batches, _length_batches

GRIDS = ('exhaustive_small_mf', 'exhaustive_small_seq')

def epoch_sizes(rows, bs:int, gen, batching:str, min_last:int) -> list:
    "Rows x trimmed length of each batch of one epoch, drawn from `gen` as `fit` draws them."
    if batching != 'length': return [len(idx) * rows.tgt.shape[1] for idx in _batches(len(rows), bs, gen, min_last)]
    return [len(idx) * int(rows.lens[idx].max()) for idx in _length_batches(rows.lens, bs, gen, min_last)]

def positions(rows, epochs:int, seed:int, bs:int, batching:str, min_last:int) -> int:
    "Rows x trimmed length, summed over every batch of `epochs` epochs, from the run's own batch generator."
    gen = torch_gen(seed, 'batches')
    return sum(sum(epoch_sizes(rows, bs, gen, batching, min_last)) for _ in range(epochs))

def per_position(sp, cfg:dict, sampler:str, sampler_kw:dict, rows, batching:str, min_last:int) -> float:
    "Scores per (row, position) of one real training step of this cell, its sampler counted as the pipeline counts."
    smp = Counted(make_sampler(sampler, seed=cfg['seed'], **sampler_kw)); tr = cfg['train']
    fit(sp, model=cfg['model'], sampler=smp, loss=cfg['loss'], model_kw=cfg['model_kw'], loss_kw=cfg.get('loss_kw') or None, seed=cfg['seed'],
        progress=False, **{**tr, 'epochs': 1, 'max_steps': 1, 'patience': 10 ** 6, 'eval_every': 1})
    return smp.scored / epoch_sizes(rows, tr['batch_size'], torch_gen(cfg['seed'], 'batches'), batching, min_last)[0]

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0]); ap.add_argument('--out', required=True); a = ap.parse_args(argv)
    torch.set_num_threads(1)
    runs = [{**json.loads(f.read_text()), 'grid': g} for g in GRIDS for f in sorted(project_path('results', 'autosample', g).glob('*/metrics.json'))]
    data, rows_, factor, out, checked = {}, {}, {}, [], []
    def setup(m, sampler, sampler_kw):
        c = m['config']; tr = c['train']; key = (c['dataset'], c['model'], tr.get('max_len', 200))
        if c['dataset'] not in data: data[c['dataset']] = _data(c)
        sp = data[c['dataset']]
        if key not in rows_: rows_[key] = training_rows(sp.train, c['model'] != 'mf', tr.get('max_len', 200))
        batching = m['fit_config']['batching']; min_last = 2 if sampler == 'in_batch' else 1
        fk = (*key, sampler, json.dumps(sampler_kw, sort_keys=True))
        if fk not in factor: factor[fk] = per_position(sp, c, sampler, sampler_kw, rows_[key], batching, min_last)
        return rows_[key], batching, min_last, factor[fk]
    for m in runs:   # the check: each pipeline's retrain, replayed, against the scores it recorded
        c = m['config']
        if c['sampler'] != 'autosample_search': continue
        st = next((s for s in m['pipeline']['cost'] if s['stage'].startswith('retrain')), None)
        if st is None or ' + ' in st['sampler']: continue   # no retrain, or a retrain with a fixed mixture
        name = st['sampler'].split('(')[0]
        kw = {**{k: v for k, v in c['sampler_kw'].items() if k in ('n_neg', 'share')},
              **next(x for x in map(_spec, c['sampler_kw']['candidates']) if x['name'] == name)}
        kw.pop('name')
        r, b, ml, f = setup(m, name, kw)
        got = f * positions(r, st['epochs'], c['seed'], c['train']['batch_size'], b, ml)
        if abs(got - st['scored']) > 0.5: raise SystemExit(f"replay check failed: {m['id']} retrain {st['sampler']}: {got} != recorded {st['scored']}")
        checked.append(dict(id=m['id'], dataset=c['dataset'], model=c['model'], seed=c['seed'], retrain=st['sampler'], epochs=st['epochs'],
                            recorded=st['scored'], replayed=int(round(got))))
    print(f"replay check: {len(checked)} pipeline retrains, every count equal to the recorded one", flush=True)
    for m in runs:
        c = m['config']
        if c['sampler'] not in SINGLES: continue
        r, b, ml, f = setup(m, c['sampler'], c['sampler_kw'])
        out.append(dict(grid=m['grid'], id=m['id'], dataset=c['dataset'], model=c['model'], sampler=c['sampler'], seed=c['seed'],
                        epochs_run=m['epochs_run'], per_position=f,
                        scored=int(round(f * positions(r, m['epochs_run'], c['seed'], c['train']['batch_size'], b, ml)))))
        print(out[-1], flush=True)
    with atomic_path(a.out) as tmp: pd.DataFrame(out).to_csv(tmp, index=False)
    with atomic_path(Path(a.out).with_name(Path(a.out).stem + '_check.csv')) as tmp: pd.DataFrame(checked).to_csv(tmp, index=False)

if __name__ == '__main__': main()
