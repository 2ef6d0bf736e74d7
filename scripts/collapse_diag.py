"""What a collapsed model looks like from the inside (issue 22, item 2): for each finished cell of the given grids, rebuild
its trained model (best.pt, the weights validation chose) and measure, on a fixed sample of validation users:

- `score_sd`: the spread of a user's scores over the whole catalogue (the mean over users of their standard deviation);
- `target_z`: where the user's validation item sits in that spread, (s_target - mean) / sd, averaged over users;
- `target_auc`: the share of the catalogue scored below the validation item (one minus its normalised rank);
- `beats_max10`: the share of users whose validation item outscores the hardest of 10 uniform candidates, the contest
  DNS(1, 10) trains (chance: 1 in 11; the candidates are not checked against the target);
- `top10_share_of_top10`: the share of all top-10 slots held by the ten most-recommended items (1.0: every user gets
  the same ten; about 10 / n_items: no two users share anything);
- `h_norm`, `h_cos`: the mean length of a user's state h (scores are h · item embedding) and the mean cosine between a
  user's h and the mean h over users (1.0: every user is the same query);
- `eff_rank`: the effective rank of the item embedding table (exp of the entropy of its normalised squared singular
  values; at most d);
- `mean_cos`: the mean cosine between an item's embedding and the mean item embedding (1.0: every item points one way);
- the final and the best epoch's training loss from history, test NDCG@10 and coverage@10 from metrics.json.

Writes one CSV (atomically) with a row per cell:

    NEGSTUDY_DATA=../shared/data python scripts/collapse_diag.py results/sampler/beauty_collapse results/sampler/beauty_collapse_long \
        results/sampler/beauty_collapse_fast results/sampler/beauty_collapse_amns --out results/sampler/beauty_collapse_diag.csv
"""
import argparse, json
from pathlib import Path
import numpy as np, pandas as pd, torch
from negstudy.core import atomic_path
from negstudy.train import encode_last
from fn_rates import load_run   # scripts/ is this script's own folder, first on sys.path

@torch.no_grad()
def inside(net, sp, max_len:int, users:int=2000, seed:int=0) -> dict:
    "The measurements above for one trained model on `users` validation users drawn with `seed`."
    rng = np.random.default_rng(seed); n = sp.source.n_items
    tgt = sp.valid; u_all = np.unique(tgt.user)
    us = np.sort(rng.choice(u_all, min(users, len(u_all)), replace=False))
    o = np.argsort(tgt.user, kind='stable')
    t_item = tgt.item[o][np.searchsorted(tgt.user[o], us)]   # each sampled user's first validation item
    offsets, items = sp.history('valid').positives().sequences()
    sd, z, auc, beats, tops, hs = [], [], [], [], [], []
    for a in range(0, len(us), 256):
        ub, tb = us[a:a + 256], torch.as_tensor(t_item[a:a + 256])
        h = encode_last(net, ub, offsets, items, max_len, torch.device('cpu')); hs.append(h)
        s = net.score_all(h, slice(1, n + 1))   # (B, n): item i at column i - 1
        st = s.gather(1, (tb - 1)[:, None])[:, 0]
        m, d = s.mean(1), s.std(1)
        sd.append(d); z.append((st - m) / d); auc.append((s < st[:, None]).float().mean(1))
        cand = torch.as_tensor(rng.integers(1, n + 1, (len(ub), 10)))
        beats.append((st > s.gather(1, cand - 1).max(1).values).float())
        tops.append(s.topk(10, 1).indices)
    top = torch.cat(tops).flatten().numpy(); cnt = np.bincount(top, minlength=n)
    w = net.item_emb.weight[1:].float(); sv = torch.linalg.svdvals(w) ** 2; p = sv / sv.sum()
    mu = w.mean(0); H = torch.cat(hs)
    return dict(score_sd=torch.cat(sd).mean().item(), target_z=torch.cat(z).mean().item(), target_auc=torch.cat(auc).mean().item(),
                beats_max10=torch.cat(beats).mean().item(), top10_share_of_top10=np.sort(cnt)[::-1][:10].sum() / len(top),
                h_norm=H.norm(dim=1).mean().item(), h_cos=torch.nn.functional.cosine_similarity(H, H.mean(0)[None], dim=1).mean().item(),
                eff_rank=float(torch.exp(-(p * torch.log(p.clamp_min(1e-30))).sum())),
                mean_cos=torch.nn.functional.cosine_similarity(w, mu[None], dim=1).mean().item(), users=len(us))

def main():
    ap = argparse.ArgumentParser(); ap.add_argument('runs', nargs='+'); ap.add_argument('--out', required=True)
    ap.add_argument('--users', type=int, default=2000); a = ap.parse_args()
    torch.set_num_threads(1); rows = []
    for d in a.runs:
        for f in sorted(Path(d).glob('*/metrics.json')):
            if (run := load_run(f)) is None: continue
            m, sp, net, _ = run; c = m['config']; hist = m.get('history') or []
            at_best = [r for r in hist if r['epoch'] == m['best_epoch'] and 'loss' in r]
            rows.append(dict(grid=Path(d).name, sampler=c['sampler'], sampler_kw=json.dumps(c['sampler_kw'], sort_keys=True),
                             model_kw=json.dumps(c['model_kw'], sort_keys=True), loss_kw=json.dumps(c.get('loss_kw') or {}, sort_keys=True),
                             seed=c['seed'], best_epoch=m['best_epoch'], epochs_run=m['epochs_run'],
                             loss_best=at_best[0]['loss'] if at_best else np.nan, loss_last=hist[-1]['loss'] if hist else np.nan,
                             test_ndcg10=m['test']['ndcg@10'], test_coverage10=m['test']['coverage@10'],
                             **inside(net, sp, m['fit_config']['max_len'], a.users), id=m['id']))
            print({k: (round(v, 4) if isinstance(v, float) else v) for k, v in rows[-1].items()})
    if not rows: raise SystemExit(f"no finished cell with best.pt under {a.runs}")
    with atomic_path(Path(a.out)) as tmp: pd.DataFrame(rows).to_csv(tmp, index=False, float_format='%.6g')   # never half-written
    print('wrote', a.out)

if __name__ == '__main__': main()
