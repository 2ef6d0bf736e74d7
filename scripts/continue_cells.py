"""Continue grid cells from their checkpoints in one call, or end them now.

A cell cut by its time budget (or killed) keeps runs/<study>/<id>/checkpoint.pt. The grid gives it one more budget per
call; this script instead runs it to the spec's own stopping rule (patience or epochs) with no per-call budget, or, with
--stop-now, ends it at the checkpoint (no further epoch) and tests the best weights so far. metrics.json records the
settings used (time_budget_s None; with --stop-now, train.epochs = the checkpoint's epoch).

Run: OMP_NUM_THREADS=1 NEGSTUDY_DATA=../shared/data python scripts/continue_cells.py studies/quality_ml1m_cpu_paper.yaml \
         runs/quality-ml1m-cpu-paper df6877c096e0 [more ids] [--stop-now]
"""
import argparse, copy, time
from pathlib import Path
import torch
from negstudy.study import load_spec, expand, run_cell

def main():
    ap = argparse.ArgumentParser(); ap.add_argument('spec'); ap.add_argument('runs'); ap.add_argument('ids', nargs='+')
    ap.add_argument('--stop-now', action='store_true', help='end each cell at its checkpoint and test its best weights')
    a = ap.parse_args()
    cells = {c['id']: c for c in expand(load_spec(a.spec))}
    for cid in a.ids:
        if cid not in cells: raise SystemExit(f"{cid}: not a cell of {a.spec} (its cells: {', '.join(sorted(cells))})")
        d = Path(a.runs) / cid; ck = d / 'checkpoint.pt'
        if not ck.exists(): raise SystemExit(f"{ck}: no checkpoint to continue from")
        if (d / 'metrics.json').exists(): raise SystemExit(f"{d / 'metrics.json'} exists: move it aside to continue the cell")
        c = copy.deepcopy(cells[cid]); c.setdefault('train', {})['time_budget_s'] = None
        if a.stop_now: c['train']['epochs'] = torch.load(ck, weights_only=True, map_location='cpu')['epoch']
        t = time.time(); m = run_cell(c, d)
        print(f"{cid}: best epoch {m['best_epoch']} of {m['epochs_run']} ({m['stopped']}), test NDCG@10 {m['test']['ndcg@10']:.4f}, "
              f"valid {m['valid']['ndcg@10']:.4f}, {time.time() - t:.0f} s", flush=True)

if __name__ == '__main__': main()
