"""Train and evaluate one configuration on a dataset; write its metrics as JSON (atomically).

Example (the ML-1M quality runs of results/quality.csv):
  python scripts/train_one.py --dataset ml-1m --model sasrec --loss full_ce --epochs 200 --max-len 200 \
      --d 64 --blocks 2 --dropout 0.2 --lr 1e-3 --batch 128 --seed 0 --out results/runs/ml1m_sasrec_fullce_s0.json
"""
import argparse, json, time, platform, os
import torch
import negstudy
from negstudy.core import write_json, get_device
from negstudy.data import load, split
from negstudy.train import fit

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--dataset', required=True); ap.add_argument('--data-dir'); ap.add_argument('--protocol', default='loo')
    ap.add_argument('--test-frac', type=float, default=0.1); ap.add_argument('--valid-frac', type=float, default=0.1)
    ap.add_argument('--ks', default='10,20'); ap.add_argument('--average', default='user')
    ap.add_argument('--model', default='sasrec'); ap.add_argument('--loss', default='bce'); ap.add_argument('--sampler', default='uniform')
    ap.add_argument('--sampler-kw', default='{}', help='JSON, e.g. {"n_neg": 1, "share": "position"}')
    ap.add_argument('--loss-kw', default='{}'); ap.add_argument('--epochs', type=int, default=200)
    ap.add_argument('--max-len', type=int, default=200); ap.add_argument('--d', type=int, default=64)
    ap.add_argument('--blocks', type=int, default=2); ap.add_argument('--attn', default='prenorm'); ap.add_argument('--heads', type=int, default=1)
    ap.add_argument('--dropout', type=float, default=0.2); ap.add_argument('--lr', type=float, default=1e-3)
    ap.add_argument('--wd', type=float, default=0.0); ap.add_argument('--batch', type=int, default=128)
    ap.add_argument('--seed', type=int, default=0); ap.add_argument('--eval-every', type=int, default=1)
    ap.add_argument('--patience', type=int, default=10); ap.add_argument('--time-budget', type=float)
    ap.add_argument('--device'); ap.add_argument('--out', required=True)
    a = ap.parse_args(argv)
    x = load(a.dataset, a.data_dir); sp = split(x, a.protocol, test=a.test_frac, valid=a.valid_frac, seed=a.seed)
    mkw = dict(d=a.d) if a.model == 'mf' else dict(d=a.d, dropout=a.dropout, **({'n_blocks': a.blocks, 'n_heads': a.heads, 'attn': a.attn} if a.model == 'sasrec' else {}))
    r = fit(sp, a.model, a.sampler, a.loss, epochs=a.epochs, batch_size=a.batch, lr=a.lr, weight_decay=a.wd, max_len=a.max_len,
            model_kw=mkw, sampler_kw=json.loads(a.sampler_kw), loss_kw=json.loads(a.loss_kw), patience=a.patience,
            eval_every=a.eval_every, device=a.device, seed=a.seed, time_budget_s=a.time_budget, progress=False,
            ks=tuple(int(k) for k in a.ks.split(',')), average=a.average)
    dev = get_device(a.device)
    out = dict(args=vars(a), test=r.test, valid=r.valid, best_epoch=r.best_epoch, epochs_run=len(r.history), wall_s=r.wall_s,
               train_s=r.train_s, seqs_per_s=r.seqs_per_s, device=r.device,
               device_name=torch.cuda.get_device_name() if dev.type == 'cuda' else platform.processor() or platform.machine(),
               torch=torch.__version__, negstudy=negstudy.__version__, history=r.history)
    write_json(a.out, out); k0 = a.ks.split(",")[0]
    print(f"{a.dataset} {a.model} {a.sampler} {a.loss}: test {k0}: NDCG {r.test['ndcg@' + k0]:.4f} HR {r.test['hr@' + k0]:.4f} "
          f"(best epoch {r.best_epoch}, {len(r.history)} epochs, {r.wall_s:.0f}s on {out['device_name']})")

if __name__ == '__main__': main()
