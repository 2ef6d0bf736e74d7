"""Measured false-negative rates of a grid's samplers (issue 22): for each finished cell, rebuild its sampler and its
trained model (best.pt), draw negatives for every training position, and count how often a negative is one of the user's
own positives anywhere in the data (train, validation or test) — on the simulated radio ('radio'), the probability that
the user would like it (`Radio.p_like`, the exact false-negative rate). Writes a CSV beside the runs.

    NEGSTUDY_DATA=../shared/data python scripts/fn_rates.py results/sampler/ml-100k_apple [--out results/sampler/ml-100k_apple_fnr.csv]
"""
import argparse, json
from pathlib import Path
import pandas as pd, torch
from negstudy.core import atomic_path
from negstudy.study import _data
from negstudy.models import make_model
from negstudy.samplers import make_sampler
from negstudy.feedback import false_negative_rate, seen_positive, radio

def load_run(f:Path):
    "A finished cell rebuilt from its metrics.json and best.pt: (metrics, split, trained model in eval mode, truth); None without best.pt."
    m = json.loads(Path(f).read_text()); c = m['config']; fc = m['fit_config']; best = Path(f).parent / 'best.pt'
    if not best.exists(): print(f"skip {Path(f).parent.name}: no best.pt (the trained weights are not committed; rerun the grid)"); return None
    sp = _data(c); x = sp.source
    if c['dataset'] == 'radio':   # the simulator knows the truth: the probability each user likes each song
        if 'users' in c['data_kw']: raise SystemExit(f"{f}: radio with data_kw.users: the truth is indexed by the simulator's users, not the sample's")
        kw = {k: v for k, v in c['data_kw'].items() if k not in ('protocol', 'test', 'valid', 'cold', 'kcore', 'feedback_share')}   # radio()'s own
        truth = radio(**{'seed': 0, **kw}).p_like
    else: truth = seen_positive(x)
    net = make_model(c['model'], x.n_items, x.n_users, **({'max_len': fc['max_len']} if c['model'] != 'mf' else {}), **fc['model_kw'])
    net.load_state_dict(torch.load(best, weights_only=True)); net.eval()
    return m, sp, net, truth

def main():
    ap = argparse.ArgumentParser(); ap.add_argument('runs'); ap.add_argument('--out'); a = ap.parse_args()
    torch.set_num_threads(1); rows = []
    for f in sorted(Path(a.runs).glob('*/metrics.json')):
        if (run := load_run(f)) is None: continue
        m, sp, net, truth = run; c = m['config']; fc = m['fit_config']
        if c['loss'] == 'full_ce': print(f"skip {f.parent.name}: full_ce draws no negatives"); continue
        smp = make_sampler(c['sampler'], seed=c['seed'], **c['sampler_kw'])
        with torch.no_grad():
            r = false_negative_rate(smp, sp, truth, max_len=fc['max_len'], model=net if smp.needs_model else None,
                                    feedback_inputs=fc.get('feedback_inputs', False))
        rows.append(dict(dataset=c['dataset'], sampler=c['sampler'], sampler_kw=json.dumps(c['sampler_kw'], sort_keys=True), seed=c['seed'],
                         fnr=round(r['fnr'], 5), negatives=r['negatives'], real_share=round(r['real_share'], 4), id=m['id']))
        print(rows[-1])
    df = pd.DataFrame(rows)
    out = Path(a.out or Path(a.runs).with_name(Path(a.runs).name + '_fnr.csv'))
    with atomic_path(out) as tmp: df.to_csv(tmp, index=False)   # never half-written
    print('wrote', out)

if __name__ == '__main__': main()
