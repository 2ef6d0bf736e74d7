"""A hard sampler's pool scoring: `Recommender.score` on per-position ids (B, L, N) without autograd, the blocked batched
matrix product (`negstudy.models._score_rows`) side by side with the one-gather form it replaced, and one whole training step
of MF on a Gowalla-sized catalogue with each (DNS, and Softmax-v, whose loss takes the whole pool: `RowScore`).

Run: python bench/score.py [--threads 1]   (medians of 7 timed repeats after a warm-up; CPU)
"""
import argparse, time, statistics, platform, os
import torch
from negstudy.models import _score_rows, Recommender, make_model
from negstudy.samplers import make_sampler
from negstudy.losses import bpr
from negstudy.train import train_step
from negstudy.data import from_arrays

def timed(f, reps=7):
    f(); ts = []
    for _ in range(reps):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return statistics.median(ts)

def gather_form(h, w, ids): return (h[:, :, None, :] * w[ids]).sum(-1)   # what `score` computed before

def main():
    ap = argparse.ArgumentParser(); ap.add_argument('--threads', type=int, default=1); a = ap.parse_args()
    torch.set_num_threads(a.threads); g = torch.Generator().manual_seed(0)
    print(f"machine: {platform.machine()} {os.cpu_count()} cores, {a.threads} thread(s), torch {torch.__version__}")
    print(f"{'shape':<58}{'gather ms':>10}{'blocked ms':>11}{'speed-up':>9}{'max |diff|':>11}")
    for name, (B, L, N, d, n) in {'MF Gowalla, DNS(1,100): B 4096, N 100, d 32': (4096, 1, 100, 32, 40988),
                                  'MF Gowalla, DNS(5,200): B 4096, N 200, d 32': (4096, 1, 200, 32, 40988),
                                  'MF Gowalla, DNS(5,500): B 4096, N 500, d 32': (4096, 1, 500, 32, 40988),
                                  'SASRec ML-1M, per position: B 128, L 200, N 10, d 50': (128, 200, 10, 50, 3416),
                                  'SASRec Beauty, per position: B 128, L 50, N 100, d 64': (128, 50, 100, 64, 57289)}.items():
        w = torch.randn(n + 1, d, generator=g); h = torch.randn(B, L, d, generator=g)
        ids = torch.randint(1, n + 1, (B, L, N), generator=g)
        with torch.no_grad():
            t0, t1 = timed(lambda: gather_form(h, w, ids)), timed(lambda: _score_rows(h, w, ids))
            diff = (gather_form(h, w, ids) - _score_rows(h, w, ids)).abs().max().item()
        print(f"{name:<58}{t0 * 1e3:>10.1f}{t1 * 1e3:>11.1f}{t0 / t1:>8.1f}x{diff:>11.1e}")
    # one training step: DNS(1, N) with MF + BPR, batch 4096, 41k items (Gowalla's shape), synthetic users
    nu, ni = 29858, 40988
    tr = from_arrays(torch.randint(1, nu + 1, (800_000,), generator=g).numpy(), torch.randint(1, ni + 1, (800_000,), generator=g).numpy())
    print(f"\n{'training step, MF d 32, batch 4096':<58}{'gather ms':>10}{'blocked ms':>11}{'speed-up':>9}")
    for label, name, kw in (('DNS(1, 100)', 'adaptive', dict(n_neg=1, pool=100)), ('DNS(1, 200)', 'adaptive', dict(n_neg=1, pool=200)),
                            ('DNS(20, 200): 20 kept, RowScore in the loss', 'adaptive', dict(n_neg=20, pool=200)),
                            ('Softmax-v(1, 200): the whole pool in the loss', 'softmax', dict(rho=1.0, pool=200))):
        ms = {}
        for form in ('gather', 'blocked'):
            net = make_model('mf', ni, nu, d=32); opt = torch.optim.Adam(net.parameters(), 1e-3)
            smp = make_sampler(name, seed=0, **kw).fit(tr)
            b = dict(x=torch.randint(1, nu + 1, (4096,), generator=g), tgt=torch.randint(1, ni + 1, (4096, 1), generator=g))
            b['u'] = b['x']
            orig = Recommender.score
            if form == 'gather':   # the old score: no blocked path
                Recommender.score = lambda self, h, i: (torch.einsum('bld,bnd->bln', h, self.item_emb(i)) if i.dim() == 2
                                                        else (h[:, :, None, :] * self.item_emb(i)).sum(-1))
            try: ms[form] = timed(lambda: train_step(net, opt, b, bpr, smp)) * 1e3
            finally: Recommender.score = orig
        print(f"{label:<58}{ms['gather']:>10.1f}{ms['blocked']:>11.1f}{ms['gather'] / ms['blocked']:>8.1f}x")

if __name__ == '__main__': main()
