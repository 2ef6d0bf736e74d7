"""Append the cells of a grid runs folder to results/quality.csv (one row per cell; a row for the same file is replaced).

Run: python scripts/quality_rows.py results/quality/sasrec_ce_paper_final --machine "2-core AMD EPYC CPU" --command "negstudy grid ..."
     [--selection-runs results/quality/sasrec_ce_paper]   (final cells: their early-stopped counterparts)
The metrics.json files are read where they lie (the `file` column), so the runs folder is the spec's own under results/:
studies/quality/<name>.yaml runs into results/quality/<name>/ (`--runs`).
"""
import argparse, json
from pathlib import Path
import pandas as pd
import inspect
from negstudy.core import atomic_path
from negstudy.train import fit
from negstudy.models import SASRec

FIT = {k: p.default for k, p in inspect.signature(fit).parameters.items()}   # what a spec's absent train key means
SASREC_D = inspect.signature(SASRec).parameters['d'].default                 # a SASRec spec's width when it names none

COLS = ['dataset', 'model', 'loss', 'sampler', 'sampler_kw', 'attn', 'dropout', 'heads', 'seed', 'ndcg10', 'hr10', 'ndcg20',
        'ndcg10_selection',   # the test NDCG@10 of the early-stopped model: before the refit (refit cells), or the same
                              # seed's selection cell in --selection-runs (final cells, trained on train + valid)
        'valid_ndcg10',       # validation NDCG@10 of the model that validation chose (empty for final cells: no validation)
        'best_epoch', 'epochs_run', 'time_budget_s', 'wall_s', 'machine', 'protocol', 'file', 'command']

def _same_model(a:dict, b:dict) -> bool:
    "Same dataset, model, loss, sampler, model settings, data settings and seed (the training schedule may differ)."
    ks = ('dataset', 'model', 'loss', 'sampler', 'sampler_kw', 'model_kw', 'data_kw', 'seed')
    return all(json.dumps(a.get(k), sort_keys=True) == json.dumps(b.get(k), sort_keys=True) for k in ks)

def selection_score(c:dict, sel_runs:Path|None):
    "Test NDCG@10 of the early-stopped cell in `sel_runs` that trained the same model as final cell `c`; '' if none."
    if sel_runs is None: return ''
    hits = [m for f in sorted(sel_runs.glob('*/metrics.json')) if _same_model((m := json.loads(f.read_text()))['config'], c)
            and not m['config'].get('train', {}).get('final')]
    if len(hits) > 1: raise SystemExit(f"{sel_runs}: {len(hits)} selection cells match seed {c['seed']}; expected one")
    return round(hits[0]['test']['ndcg@10'], 4) if hits else ''

def row(f:Path, machine:str, command:str, sel_runs:Path|None=None) -> dict:
    m = json.loads(f.read_text()); c = m['config']; mk = c.get('model_kw', {}); tr = c.get('train', {})
    note = ', '.join(f'{k}={mk[k]}' for k in ('pad_mask', 'init_std') + (('d', 'bias') if c['model'] == 'mf' else ()) if k in mk)
    if mk.get('positions', 'end') != 'end': note += f", positions={mk['positions']}"
    if c['model'] == 'sasrec' and mk.get('d', SASREC_D) != SASREC_D: note += f", d={mk['d']}"
    t = {**FIT, **tr}
    if t['eval_every'] != 5 and not t['final']: note += f", validation every {t['eval_every']} epoch(s)"   # 5: the quality runs' usual
    if t['optimizer'] != 'adam': note += f", {t['optimizer']} lr={t['lr']}"
    elif c['model'] == 'mf' and (t['lr'], t['batch_size']) != (1e-3, 1024):   # the MF runs' usual Adam setting
        note += f", Adam lr={t['lr']}, batch {t['batch_size']}"
    return dict(dataset=c['dataset'], model=c['model'], loss=c['loss'], sampler=c['sampler'] if c['loss'] != 'full_ce' else 'uniform',
                sampler_kw=json.dumps(c.get('sampler_kw', {}), separators=(',', ':')),
                attn=mk.get('attn', 'prenorm') if c['model'] == 'sasrec' else '', dropout=mk.get('dropout', ''),
                heads=mk.get('n_heads', '') if c['model'] == 'sasrec' else '', seed=c['seed'],
                ndcg10=round(m['test']['ndcg@10'], 4), hr10=round(m['test']['hr@10'], 4), ndcg20=round(m['test']['ndcg@20'], 4),
                valid_ndcg10=round(m['valid']['ndcg@10'], 4) if m.get('valid') else '',
                best_epoch=m['best_epoch'], epochs_run=m['epochs_run'], time_budget_s=tr.get('time_budget_s', ''),
                # a resumed run's wall_s counts only its last call; wall_total_s (runs since it was kept) counts every call up to
                # its last checkpoint; for older runs, train_s (every call's training, no evaluation) is the better bound
                wall_s=round(m['wall_total_s'] if m.get('wall_total_s') else max(m['wall_s'], m['train_s'])), machine=machine + (f' ({note})' if note else '') + (f", l2={tr['l2']}" if tr.get('l2') else ''),
                ndcg10_selection=round(m['refit']['test_selection']['ndcg@10'], 4) if m.get('refit')
                                 else selection_score(c, sel_runs) if t['final'] else '',
                protocol='loo, full ranking, training items filtered' + (', refit on train+valid' if m.get('refit') else '')
                         + (f", trained on train+valid for a fixed {m['epochs_run']} epochs" if t['final'] else ''), file=str(f), command=command)

def main():
    ap = argparse.ArgumentParser(); ap.add_argument('runs'); ap.add_argument('--machine', required=True)
    ap.add_argument('--command', required=True); ap.add_argument('--csv', default='results/quality.csv')
    ap.add_argument('--only', nargs='+', help='cell ids to take (default: every cell in the folder)')
    ap.add_argument('--selection-runs', type=Path, help="for cells trained on train + valid (final): the runs folder of "
                    "their early-stopped selection cells, whose test NDCG@10 fills ndcg10_selection"); a = ap.parse_args()
    if a.selection_runs and not a.selection_runs.is_dir(): raise SystemExit(f"--selection-runs {a.selection_runs}: no such folder")
    files = sorted(f for f in Path(a.runs).glob('*/metrics.json') if not a.only or f.parent.name in a.only)
    if not files: raise SystemExit(f"{a.runs}: no */metrics.json")
    old = pd.read_csv(a.csv, dtype=str, keep_default_na=False)
    new = pd.DataFrame([row(f, a.machine, a.command, a.selection_runs) for f in files], columns=COLS).astype(str)
    out = pd.concat([old[~old.file.isin(new.file)], new], ignore_index=True)
    with atomic_path(Path(a.csv)) as tmp: out.to_csv(tmp, index=False)
    print(new[['dataset', 'model', 'loss', 'seed', 'ndcg10', 'ndcg10_selection', 'best_epoch', 'epochs_run', 'wall_s', 'file']].to_string(index=False))

if __name__ == '__main__': main()
