"""Training speed, old path against new, side by side in one run (issue 20).

The configuration: SASRec + BCE, one uniform negative per position, ML-1M, d 50, 2 blocks, 1 head, max length 200,
batch 128, dropout 0.2. Each variant trains one epoch with `fit` (its `train_s`: training only, no evaluation), the
variants alternate, `--reps` rounds, and the table gives the median seconds per epoch and the ratio to today's path:

  A  previous path: nn.MultiheadAttention, no padding mask, random batches of 200 slots (main before issue 20)
  B  + padding keys masked (the model change that makes trimming exact)
  C  + the attention computed from the layer's weights (fused when no dropout) and a cheaper dropout mask
  D  + batches of similar lengths, each trimmed to its longest sequence (the new default)

Then a full-ranking evaluation of every ML-1M user with A's and D's model against the bare cost (encode every user's
window, one matmul with the item table, top-100), and the machine's throughput for a grid: one run with 2 threads
against two runs side by side with 1 thread each.

Run: NEGSTUDY_DATA=../shared/data python bench/speed.py [--reps 3] [--out bench/results/speed_cpu.txt]
"""
import argparse, json, os, platform, statistics, subprocess, sys, time
import numpy as np, torch

VARIANTS = {'A previous path': (dict(impl='torch', pad_mask=False), 'random'),
            'B + padding mask': (dict(impl='torch', pad_mask=True), 'random'),
            'C + fast attention and dropout': (dict(impl='fast', pad_mask=True), 'random'),
            'D + length batches, trimmed (new default)': (dict(impl='fast', pad_mask=True), 'length')}
BASE = dict(d=50, n_blocks=2, n_heads=1, dropout=0.2)

def one_epoch(variant:str, threads:int, seed:int=0) -> float:
    "Seconds of training in one epoch of `variant` (run in this process)."
    from negstudy.data import load, split
    from negstudy.train import fit
    torch.set_num_threads(threads)
    sp = split(load('ml-1m'), 'loo'); mk, b = VARIANTS[variant]
    r = fit(sp, 'sasrec', 'uniform', 'bce', epochs=1, max_len=200, batch_size=128, lr=1e-3, progress=False, seed=seed,
            model_kw={**BASE, **mk}, batching=b)
    return r.train_s

def main():
    ap = argparse.ArgumentParser(); ap.add_argument('--reps', type=int, default=3); ap.add_argument('--out')
    ap.add_argument('--child', help=argparse.SUPPRESS); ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args()
    if a.child: print(json.dumps(one_epoch(a.child, a.threads))); return
    from negstudy.data import load, split
    from negstudy.train import evaluate, padded_history
    from negstudy.models import make_model
    torch.set_num_threads(2)
    lines = [f"# bench/speed.py on {platform.processor() or platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, "
             f"2 threads, {a.reps} alternating rounds, {time.strftime('%Y-%m-%d')}"]
    times = {v: [] for v in VARIANTS}
    for r in range(a.reps):
        for v in VARIANTS: times[v].append(one_epoch(v, 2, seed=r))
    base = statistics.median(times['A previous path'])
    lines.append("\n| variant | s / epoch (median) | all rounds | speed-up vs A |\n|---|---|---|---|")
    for v, ts in times.items():
        m = statistics.median(ts)
        lines.append(f"| {v} | {m:.2f} | {' / '.join(f'{t:.2f}' for t in ts)} | {base / m:.2f}x |")
    # evaluation: every ML-1M user, full ranking
    sp = split(load('ml-1m'), 'loo'); n = sp.source.n_items; torch.manual_seed(0)
    new = make_model('sasrec', n, max_len=200, **BASE).eval()
    old = make_model('sasrec', n, max_len=200, **BASE, impl='torch', pad_mask=False).eval(); old.load_state_dict(new.state_dict())
    hist = sp.history('test').positives(); off, items = hist.sequences(); users = np.unique(sp.test.user)
    @torch.no_grad()
    def bare(m):
        for i in range(0, len(users), 512):
            h = m.encode(torch.as_tensor(padded_history(off, items, users[i:i + 512], 200)))[:, -1]
            torch.topk(h @ m.item_emb.weight.T, 100, 1)
    ev = {}
    for name, f in [('evaluate(), previous path', lambda: evaluate(old, sp, 'test')), ('evaluate(), new default', lambda: evaluate(new, sp, 'test')),
                    ('bare: encode 200 slots + matmul + top-100 (previous model)', lambda: bare(old))]:
        ts = []
        for _ in range(3): t0 = time.perf_counter(); f(); ts.append(time.perf_counter() - t0)
        ev[name] = statistics.median(ts)
    b = ev['bare: encode 200 slots + matmul + top-100 (previous model)']
    lines.append("\n| full-ranking evaluation, 6,040 users | s (median of 3) | ratio to bare |\n|---|---|---|")
    lines += [f"| {k} | {t:.2f} | {t / b:.2f} |" for k, t in ev.items()]
    # grid throughput: 1 run x 2 threads against 2 runs x 1 thread, each the new default for one epoch
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'MKL_NUM_THREADS': '1'}
    child = lambda th: [sys.executable, __file__, '--child', 'D + length batches, trimmed (new default)', '--threads', str(th)]
    t0 = time.perf_counter(); subprocess.run(child(2), env={**env, 'OMP_NUM_THREADS': '2'}, check=True, capture_output=True); one = time.perf_counter() - t0
    t0 = time.perf_counter(); ps = [subprocess.Popen(child(1), env=env, stdout=subprocess.PIPE) for _ in range(2)]
    for p in ps: p.wait()
    two = time.perf_counter() - t0
    lines.append("\n| grid throughput (one epoch per run, process start and data loading included) | wall s | runs per hour |\n|---|---|---|")
    lines.append(f"| 1 run x 2 threads | {one:.1f} | {3600 / one:.0f} |")
    lines.append(f"| 2 runs x 1 thread, side by side | {two:.1f} | {2 * 3600 / two:.0f} |")
    text = '\n'.join(lines); print(text)
    if a.out:
        with open(a.out, 'w') as f: f.write(text + '\n')

if __name__ == '__main__': main()
