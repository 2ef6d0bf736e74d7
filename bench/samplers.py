"""Sampler throughput (negatives / second) at catalogue sizes 3.4k, 100k and 1M, side by side with baselines.

Run: python bench/samplers.py [--device cuda] [--quick]
Baselines: torch.randint (raw uniform), torch.multinomial (popularity), a Python-set rejection loop (the
`random_neq` pattern of common SASRec reference code). Medians of 5 timed repeats after a warm-up.
"""
import argparse, time, statistics, platform, os
import numpy as np, torch, pandas as pd
from negstudy.data import from_arrays
from negstudy.samplers import make_sampler

def timed(f, device, reps=5):
    f()
    ts = []
    for _ in range(reps):
        if device.type == 'cuda': torch.cuda.synchronize()
        t = time.perf_counter(); f()
        if device.type == 'cuda': torch.cuda.synchronize()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts)

def fake_train(n_items, n_users, per_user, seed=0):
    g = np.random.default_rng(seed)
    pop = 1 / np.arange(1, n_items + 1) ** 0.9; pop /= pop.sum()
    u = np.repeat(np.arange(1, n_users + 1), per_user)
    i = g.choice(n_items, len(u), p=pop) + 1
    i[:n_items] = np.arange(1, n_items + 1)          # every item seen once, so the catalogue is n_items
    return from_arrays(u, i)

def main():
    ap = argparse.ArgumentParser(); ap.add_argument('--device', default='cpu'); ap.add_argument('--quick', action='store_true')
    a = ap.parse_args(); dev = torch.device(a.device)
    B, N, L = 4096, 256, 50          # 1,048,576 negatives per call
    rows = []
    for n_items, n_users in [(3_416, 6_040), (100_000, 100_000), (1_000_000, 100_000)]:
        tr = fake_train(n_items, n_users, 20)
        users = torch.randint(1, n_users + 1, (B,), device=dev)
        targets = torch.randint(1, n_items + 1, (B, 1), device=dev)
        nd = B * N
        def rate(name, f, n=nd): rows.append(dict(items=n_items, sampler=name, neg_per_s=n / timed(f, dev)))
        rate('torch.randint (raw uniform baseline)', lambda: torch.randint(1, n_items + 1, (B, N), device=dev))
        uni = make_sampler('uniform', share='sequence', n_neg=N, device=dev).fit(tr)
        rate('uniform', lambda: uni.sample(users, targets))
        unr = make_sampler('uniform', share='sequence', n_neg=N, exclude_positives=True, device=dev).fit(tr)
        rate('uniform + rejection', lambda: unr.sample(users, targets))
        pos = [set() for _ in range(n_users + 1)]
        for uu, ii in zip(tr.user.tolist(), tr.item.tolist()): pos[uu].add(ii)
        ul = users.cpu().tolist(); nloop = 100_000
        def set_loop():
            rs = np.random.randint
            out = []
            for k in range(nloop):
                s = pos[ul[k % B]]; t = rs(1, n_items + 1)
                while t in s: t = rs(1, n_items + 1)
                out.append(t)
            return out
        rate('python-set rejection loop (baseline)', set_loop, nloop)
        popu = make_sampler('popularity', share='sequence', alpha=1.0, n_neg=N, device=dev).fit(tr)
        rate('popularity (alias)', lambda: popu.sample(users, targets))
        p = torch.as_tensor(popu.p, dtype=torch.float32, device=dev)
        nm = nd if n_items <= 100_000 or not a.quick else nd // 4
        rate('torch.multinomial (popularity baseline)', lambda: torch.multinomial(p, nm, replacement=True), nm)
        popr = make_sampler('popularity', share='sequence', alpha=1.0, n_neg=N, exclude_positives=True, device=dev).fit(tr)
        rate('popularity + rejection', lambda: popr.sample(users, targets))
        bt = torch.randint(1, n_items + 1, (256, L), device=dev)
        bu = torch.arange(1, 257, device=dev)
        ib = make_sampler('in_batch', share='sequence', n_neg=N, device=dev).fit(tr)
        rate('in_batch (B=256, L=50)', lambda: ib.sample(bu, bt), 256 * N)
        mx = make_sampler('mixed', share='sequence', n_neg=N, ratio=0.5, device=dev).fit(tr)
        rate('mixed (B=256, L=50)', lambda: mx.sample(bu, bt), 256 * N)
        emb = torch.randn(n_items + 1, 64, device=dev); h = torch.randn(256, L, 64, device=dev)
        score = lambda ids: torch.einsum('bld,bnd->bln', h, emb[ids]) if ids.dim() == 2 else (h[:, :, None] * emb[ids]).sum(-1)
        dns = make_sampler('adaptive', share='sequence', n_neg=1, pool=32, device=dev).fit(tr)
        rate('adaptive DNS(1,32) kept (B=256, L=50)', lambda: dns.sample(bu, bt, score), 256 * L)
        ps_ = unr.positives
        rows.append(dict(items=n_items, sampler='rejection index memory, MB (keys + dense table, or + hash table + bloom)',
                         neg_per_s=ps_.nbytes / 2**20))
        rows.append(dict(items=n_items, sampler='a dense users x items bool matrix would be, MB', neg_per_s=n_users * (n_items + 1) / 2**20))
    df = pd.DataFrame(rows)
    print(f"machine: {platform.machine()} {os.cpu_count()} cores, torch {torch.__version__}, device {dev}"
          + (f" ({torch.cuda.get_device_name()})" if dev.type == 'cuda' else ''))
    print(df.pivot(index='sampler', columns='items', values='neg_per_s').to_string(float_format=lambda v: f'{v:,.3g}'))
    piv = df.pivot(index='sampler', columns='items', values='neg_per_s')
    ratios = pd.DataFrame({
        'popularity alias / torch.multinomial': piv.loc['popularity (alias)'] / piv.loc['torch.multinomial (popularity baseline)'],
        'uniform+rejection / python-set loop': piv.loc['uniform + rejection'] / piv.loc['python-set rejection loop (baseline)'],
        'uniform+rejection / raw torch.randint': piv.loc['uniform + rejection'] / piv.loc['torch.randint (raw uniform baseline)'],
    }).T
    print('\nratios (targets: popularity >= 5x multinomial at 100k; rejection >= 20x set loop; uniform+rejection >= 0.25x randint)')
    print(ratios.to_string(float_format=lambda v: f'{v:.2f}'))

if __name__ == '__main__': main()
