"""SASRec on ML-1M (max length 200, d = 64, 2 blocks, batch 128): training sequences / second per loss, and the
time of one full-ranking evaluation of all 6,040 users.

Run: NEGSTUDY_DATA=../shared/data python bench/train.py [--device cuda] [--steps 20] [--profile]
"""
import argparse, time, platform, os, statistics
import numpy as np, torch, pandas as pd
from negstudy.data import load, split
from negstudy.train import fit, evaluate, padded_history
from negstudy.models import make_model
from negstudy.samplers import make_sampler, hit_mask
from negstudy.losses import make_loss, full_ce
from negstudy.core import get_device

def sync(dev):
    if dev.type == 'cuda': torch.cuda.synchronize()

def main():
    ap = argparse.ArgumentParser(); ap.add_argument('--device'); ap.add_argument('--steps', type=int, default=20)
    ap.add_argument('--profile', action='store_true'); a = ap.parse_args()
    dev = get_device(a.device); torch.manual_seed(0)
    sp = split(load('ml-1m'), 'loo'); tr = sp.train; n = sp.source.n_items
    off, items = tr.positives().sequences(); users = np.flatnonzero(np.diff(off) >= 2)
    inp = torch.as_tensor(padded_history(off, items, users, 200, drop_last=1)); tgt = torch.as_tensor(padded_history(off, items, users, 200))
    tgt = torch.where(inp > 0, tgt, 0); tgt[:, -1] = torch.as_tensor(items[off[users + 1] - 1])
    rows = []
    for name, lossn, skw, mkw in [('BCE, 1 negative per position', 'bce', dict(n_neg=1, share='position'), {}),
                                  ('sampled softmax, 256 shared negatives, logQ', 'sampled_softmax', dict(n_neg=256, share='sequence'), {}),
                                  ('full cross-entropy, every position scored (previous)', 'full_ce_all', None, {}),
                                  ('full cross-entropy, real positions only (now)', 'full_ce', None, {}),
                                  ("full cross-entropy, real positions only, the quality-bar model (attn='paper', pad_mask=True: "
                                   "per-batch attention mask, init_std=0.02)", 'full_ce', None, dict(pad_mask=True, attn='paper', init_std=0.02)),
                                  ("full cross-entropy, as above with positions='start' (per-row position ids)",
                                   'full_ce', None, dict(pad_mask=True, attn='paper', init_std=0.02, positions='start'))]:
        net = make_model('sasrec', n, max_len=200, d=64, n_blocks=2, **mkw).to(dev)
        opt = torch.optim.Adam(net.parameters(), 1e-3)
        lossf = make_loss(lossn) if not lossn.startswith('full_ce') else None
        smp = make_sampler('uniform', device=dev, **skw).fit(tr) if skw else None
        def step(i):
            idx = torch.randint(0, len(users), (128,))
            x, t = inp[idx].to(dev), tgt[idx].to(dev); m = t > 0
            h = net.encode(x)
            if lossn == 'full_ce_all': l = full_ce(net.score_all(h), t, m)
            elif lossn == 'full_ce': l = full_ce(net.score_all(h[m], slice(1, None)), t[m], m[m], padding_column=False)
            else:
                ps = net.score(h, t[..., None]).squeeze(-1); neg = smp.sample(torch.as_tensor(users[idx], device=dev), t)
                lq = neg.log_q if neg.log_q.dim() == 3 else neg.log_q[:, None]
                l = lossf(ps, net.score(h, neg.ids), m, hit_mask(neg.ids, t), lq, None)
            opt.zero_grad(); l.backward(); opt.step()
        for i in range(3): step(i)
        sync(dev); t0 = time.perf_counter()
        for i in range(a.steps): step(i)
        sync(dev); dt = time.perf_counter() - t0
        rows.append(dict(what=f'train: {name}', value=a.steps * 128 / dt, unit='sequences/s'))
        if a.profile and lossn == 'sampled_softmax':
            with torch.profiler.profile() as prof:
                for i in range(3): step(i)
            print(prof.key_averages().table(sort_by='self_cpu_time_total', row_limit=15))
    net.eval(); ts = []
    for _ in range(3):
        sync(dev); t0 = time.perf_counter(); evaluate(net, sp, 'test', max_len=200, batch=512); sync(dev); ts.append(time.perf_counter() - t0)
    rows.append(dict(what='full-ranking evaluation of all 6,040 users (median of 3; the last model above)', value=statistics.median(ts), unit='s'))
    # the hot spot removed after profiling (not the model's math): building and de-targeting the filter lists of a
    # batch — previously a per-user Python concatenation plus torch.isin; now a CSR gather plus sorted-key search
    from negstudy.train import csr_take
    hist = sp.history('test').positives(); ho, hi_ = hist.sequences(); te = sp.test
    users_all = np.unique(te.user)
    def old_way(ub):
        lens = ho[ub + 1] - ho[ub]
        hr = torch.as_tensor(np.repeat(np.arange(len(ub)), lens)); hi = torch.as_tensor(np.concatenate([hi_[ho[u]:ho[u + 1]] for u in ub]))
        kt = torch.arange(len(ub)) * (n + 1) + torch.as_tensor(te.item[np.searchsorted(te.user, ub)])
        return hi[~torch.isin(hr * (n + 1) + hi, kt)]
    def new_way(ub):
        lens = ho[ub + 1] - ho[ub]
        hr = torch.as_tensor(np.repeat(np.arange(len(ub)), lens)); hi = torch.as_tensor(hi_[csr_take(ho, ub)])
        kt = torch.sort(torch.arange(len(ub)) * (n + 1) + torch.as_tensor(te.item[np.searchsorted(te.user, ub)])).values
        kh = hr * (n + 1) + hi; pos = torch.searchsorted(kt, kh).clamp_(max=len(kt) - 1)
        return hi[kt[pos] != kh]
    for name, f in (('previous (per-user concat + torch.isin)', old_way), ('now (CSR gather + sorted-key search)', new_way)):
        ts = []
        for _ in range(3):
            t0 = time.perf_counter(); [f(users_all[i:i + 512]) for i in range(0, len(users_all), 512)]; ts.append(time.perf_counter() - t0)
        rows.append(dict(what=f'eval filter lists, all users: {name}', value=statistics.median(ts), unit='s'))
    assert all(torch.equal(old_way(users_all[:512]), new_way(users_all[:512])) for _ in range(1))
    print(f"machine: {platform.machine()} {os.cpu_count()} cores, torch {torch.__version__}, device {dev}"
          + (f" ({torch.cuda.get_device_name()})" if dev.type == 'cuda' else f", {torch.get_num_threads()} threads"))
    print(pd.DataFrame(rows).to_string(index=False, float_format=lambda v: f'{v:,.2f}'))

if __name__ == '__main__': main()
