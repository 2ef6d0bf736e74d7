"""bfloat16 autocast against float32 for SASRec training on the CPU (issue 20's precision question), side by side.

The new default path (fast attention, length-trimmed batches of ML-1M, SASRec d 50, 2 blocks, BCE with one uniform
negative per position): the same batches, alternating float32 and bfloat16-autocast rounds (the loss in float32 either
way), median seconds per round and the ratio.

Run: NEGSTUDY_DATA=../shared/data python bench/precision.py [--rounds 3] [--steps 20] [--out bench/results/precision_cpu.txt]
"""
import argparse, os, platform, statistics, time
import numpy as np, torch
from negstudy.data import load, split, padded_history
from negstudy.models import make_model
from negstudy.samplers import make_sampler, hit_mask
from negstudy.losses import make_loss

def main():
    ap = argparse.ArgumentParser(); ap.add_argument('--rounds', type=int, default=3); ap.add_argument('--steps', type=int, default=20)
    ap.add_argument('--out'); a = ap.parse_args()
    torch.set_num_threads(2); torch.manual_seed(0)
    sp = split(load('ml-1m'), 'loo'); tr = sp.train; n = sp.source.n_items
    off, items = tr.positives().sequences(); users = np.flatnonzero(np.diff(off) >= 2)
    inp = torch.as_tensor(padded_history(off, items, users, 200, drop_last=1))
    tgt = torch.where(inp > 0, torch.as_tensor(padded_history(off, items, users, 200)), 0)
    lens = (inp > 0).sum(1).numpy(); order = np.argsort(lens)
    g = np.random.default_rng(0)
    batches = [np.sort(order[s:s + 128]) for s in g.choice(np.arange(0, len(order) - 128, 128), a.steps, replace=False)]
    smp = make_sampler('uniform').fit(tr); lossf = make_loss('bce')
    nets = {k: make_model('sasrec', n, max_len=200, d=50) for k in ('float32', 'bfloat16')}
    nets['bfloat16'].load_state_dict(nets['float32'].state_dict())
    opts = {k: torch.optim.Adam(v.parameters(), 1e-3) for k, v in nets.items()}
    def run(k):
        net, opt = nets[k], opts[k]; t0 = time.perf_counter(); losses = []
        for idx in batches:
            x, t = inp[idx], tgt[idx]; L = int((x > 0).sum(1).max()); x, t = x[:, -L:], t[:, -L:]
            with torch.autocast('cpu', dtype=torch.bfloat16, enabled=k == 'bfloat16'):
                h = net.encode(x); ps = net.score(h, t[..., None]).squeeze(-1)
                neg = smp.sample(torch.as_tensor(users[idx]), t); ns = net.score(h, neg.ids)
            l = lossf(ps.float(), ns.float(), t > 0, hit_mask(neg.ids, t), neg.log_q, None)
            opt.zero_grad(); l.backward(); opt.step(); losses.append(l.item())
        return time.perf_counter() - t0, float(np.mean(losses))
    T = {k: [] for k in nets}; L = {k: [] for k in nets}
    run('float32'); run('bfloat16')   # warm-up
    for _ in range(a.rounds):
        for k in nets: s, l = run(k); T[k].append(s); L[k].append(l)
    lines = [f"# bench/precision.py on {platform.processor() or platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, "
             f"2 threads, {a.rounds} alternating rounds of {a.steps} steps, {time.strftime('%Y-%m-%d')}",
             "\n| precision | s / round (median) | all rounds | mean loss, last round | speed-up vs float32 |\n|---|---|---|---|---|"]
    base = statistics.median(T['float32'])
    for k in nets:
        m = statistics.median(T[k])
        lines.append(f"| {k} | {m:.2f} | {' / '.join(f'{t:.2f}' for t in T[k])} | {L[k][-1]:.4f} | {base / m:.2f}x |")
    text = '\n'.join(lines); print(text)
    if a.out:
        with open(a.out, 'w') as f: f.write(text + '\n')

if __name__ == '__main__': main()
