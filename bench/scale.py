"""Scale (issue 20): how the cost of one training epoch and of a full-ranking evaluation of every user grows with the
catalogue, on synthetic data (`negstudy.data.synthetic`, leave-one-out split).

Per catalogue size (default 10k, 100k, 300k, 1M items asked of `synthetic`; 100k users, mean history length 40, Zipf
exponent 0.5, i.e. ~4M events), in a fresh process so that its peak RSS is its own. The catalogue is the items that
occur at least once, which for 1M asked is ~930k (with mean length 15 and Zipf 1 it would be only ~466k): the table
and the plot use the catalogue that occurs, the CSV has both (`n_items`, `n_items_asked`).

- training: SASRec (d 64, 2 blocks, max length 50, batch 128) + sampled softmax with logQ correction, popularity
  negatives (alias method), 256 negatives shared per sequence, run by the package's own `negstudy.train.fit` with
  `max_steps` (its default batching: length batches, trimmed). Time per epoch is EXTRAPOLATED from S = --steps steps:
  after a discarded warm-up run, fit runs twice with the same seed, `max_steps=W` then `max_steps=W+S` (W = --warmup;
  their first W batches are the same), and the difference of their `FitResult.train_s` (seconds of the training steps
  only) is the cost of steps W+1..W+S without the one-off costs of a run's first steps (Adam's state, allocations);
  epoch s = training sequences x that difference / the sequences of those S steps. fit is given a split whose
  validation / test targets are those of --fit-eval-users random users only (training data: every user), so its own
  end-of-run evaluations cost little;
- evaluation: the package's chunked full ranking `negstudy.train.evaluate(model, sp, 'test', max_len=50,
  chunk=65536)` (training history filtered, top-100 kept) of the trained model on the test targets of --eval-users
  random users (same catalogue, same histories), EXTRAPOLATED linearly to every user (evaluate ranks users in
  independent batches of 512);
- memory: the child's peak RSS (`ru_maxrss`) after data generation + split, after training, and at the end (after the
  evaluation); and the model's parameter memory (Adam training holds about 4x that: weights, gradients, two moments).

Full run (4 sizes, 100k users): about 7 min on this 2-core Xeon with 2 threads (estimated from 1-thread runs under
load: per size about 0.5, 1, 2 and 3.5 min), ~3.3 GB peak RSS at 1M items asked:
  python bench/scale.py                      # writes bench/results/scale_cpu.{txt,csv} and figures/scale_cpu.png
Smoke test (~20 s):
  OMP_NUM_THREADS=1 python bench/scale.py --items 2000 5000 --users 2000 --steps 3 --threads 1 --out /tmp/scale_smoke/scale
--out is a path prefix (<out>.txt: markdown table + machine line; <out>.csv: tidy); the plot goes to --fig, by default
figures/scale_cpu.png for the default --out and <out>.png otherwise.
"""
import argparse, json, math, os, platform, resource, subprocess, sys, time
from pathlib import Path
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / 'bench' / 'results' / 'scale_cpu'
DEFAULT_FIG = ROOT / 'figures' / 'scale_cpu.png'

def rss_mb() -> float:
    "Peak resident set size of this process so far, MB (Linux reports KiB)."
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

def subset_split(sp, users:np.ndarray):
    "`sp` with validation and test targets of `users` only (training events untouched)."
    from negstudy.data import Split
    keep = lambda idx: idx[np.isin(sp.source.user[idx], users)]
    return Split(sp.source, sp.train_idx, keep(sp.valid_idx), keep(sp.test_idx), sp.protocol)

def child(a) -> dict:
    "One catalogue size, measured in this (fresh) process."
    import torch
    from negstudy.data import synthetic, split
    from negstudy.train import fit, evaluate
    torch.set_num_threads(a.threads)
    out = dict(n_items_asked=a.child, n_users=a.users)
    t0 = time.perf_counter()
    x = synthetic(n_users=a.users, n_items=a.child, mean_len=a.mean_len, zipf=a.zipf, seed=0)
    sp = split(x, 'loo')
    out['n_items'] = sp.source.n_items   # the catalogue: items drawn at least once (the tail of a large one may never be)
    out.update(data_s=time.perf_counter() - t0, n_events=len(x), rss_data_mb=rss_mb())
    off, _ = sp.train.positives().sequences()
    seqs = int((np.diff(off) >= 2).sum())                       # fit's training sequences (one input + one target)
    g = np.random.default_rng(0); test_users = np.unique(sp.source.user[sp.test_idx])
    fit_users = g.choice(test_users, min(a.fit_eval_users, len(test_users)), replace=False)
    eval_users = g.choice(test_users, min(a.eval_users, len(test_users)), replace=False)
    mkw = dict(d=64, n_blocks=2)
    fsp = subset_split(sp, fit_users)
    def run(steps, keep=False):
        "(train_s, sequences trained, the model if `keep`) of fit(max_steps=steps)."
        r = fit(fsp, 'sasrec', a.sampler, 'sampled_softmax', epochs=1, batch_size=a.batch, max_len=a.max_len, model_kw=mkw,
                sampler_kw=dict(n_neg=a.n_neg, share='sequence'), max_steps=steps, progress=False, seed=0)
        assert r.stopped == 'max_steps', f"fit stopped by {r.stopped!r}: fewer than {steps} batches in an epoch"
        return r.train_s, r.seqs_per_s * r.train_s, r.model if keep else None   # a model not kept is freed here
    # same seed, so the longer run's first `warmup` batches are the shorter run's: the difference is the cost of
    # steps warmup+1 .. warmup+steps, without the one-off costs of a run's first steps (Adam's state, allocations);
    # a first, discarded short run takes the process's own one-off costs (first calls of each kernel, allocator growth)
    if a.warmup: run(a.warmup)
    t0_, n0, _ = run(a.warmup) if a.warmup else (0.0, 0.0, None)
    t1_, n1, net = run(a.warmup + a.steps, keep=True)
    dt, dn = t1_ - t0_, n1 - n0
    params = sum(p.numel() * p.element_size() for p in net.parameters())
    out.update(steps_measured=a.steps, warmup_steps=a.warmup, train_s_measured=dt, seqs_per_s=dn / dt, train_seqs=seqs,
               steps_per_epoch=math.ceil(seqs / a.batch), train_s_per_epoch=seqs * dt / dn,
               first_run_s_per_step=t1_ / (a.warmup + a.steps),
               param_mb=params / 2**20, item_emb_mb=net.item_emb.weight.numel() * 4 / 2**20, rss_train_mb=rss_mb())
    ev_sp = subset_split(sp, eval_users)
    t0 = time.perf_counter(); m = evaluate(net, ev_sp, 'test', max_len=a.max_len, chunk=65536); dt = time.perf_counter() - t0
    out.update(eval_users_measured=int(m['n_users']), eval_s_measured=dt, eval_users_all=len(test_users),
               eval_s_all_users=dt * len(test_users) / m['n_users'], rss_mb=rss_mb(), threads=torch.get_num_threads())
    return out

def machine(threads:int) -> str:
    import torch
    cpu = platform.processor() or platform.machine()
    try: cpu = next(l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name'))
    except (OSError, StopIteration): pass
    try: mem = f", {int(next(l.split()[1] for l in open('/proc/meminfo') if l.startswith('MemTotal'))) / 2**20:.0f} GB RAM"
    except (OSError, StopIteration): mem = ''
    return (f"{cpu}, {os.cpu_count()} cores{mem}, torch {torch.__version__}, {threads} threads, "
            f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M')}")

def slope(x, y) -> float:
    "Exponent b of y ~ x^b (least squares in log-log)."
    return float(np.polyfit(np.log(x), np.log(y), 1)[0]) if len(x) >= 2 else float('nan')

def plot(df, path:Path, title:str):
    import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt
    n = df.n_items.to_numpy()
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(11, 4.2))
    for col, lab, mk in (('train_s_per_epoch', 'training, s / epoch', 'o'), ('eval_s_all_users', 'full-ranking eval, all users, s', 's')):
        ax.plot(n, df[col], marker=mk, label=f'{lab} (slope {slope(n, df[col]):.2f})')
    ax.set_xscale('log'); ax.set_yscale('log'); ax.set_xlabel('catalogue (items that occur)'); ax.set_ylabel('seconds')
    ax.set_title('time (extrapolated, see notes)'); ax.grid(True, which='both', alpha=.3); ax.legend(fontsize=8)
    bx.plot(n, df.peak_rss_mb, marker='o', label='peak RSS, whole child process')
    bx.plot(n, df.rss_train_mb, marker='^', ls='--', label='peak RSS after training')
    bx.plot(n, 4 * df.param_mb, marker='x', ls=':', label='4 x parameters (weights, grads, Adam)')
    bx.set_xscale('log'); bx.set_yscale('log'); bx.set_xlabel('catalogue (items that occur)'); bx.set_ylabel('MB')
    bx.set_title('memory'); bx.grid(True, which='both', alpha=.3); bx.legend(fontsize=8)
    import textwrap
    fig.suptitle('\n'.join(textwrap.fill(t, 160) for t in title.split('\n')), fontsize=8); fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True); fig.savefig(path, dpi=120); plt.close(fig)

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--items', type=int, nargs='+', default=[10_000, 100_000, 300_000, 1_000_000])
    ap.add_argument('--users', type=int, default=100_000)
    ap.add_argument('--mean-len', type=float, default=40, help='mean events per user (40: ~4M events, so ~93%% of 1M items occur)')
    ap.add_argument('--zipf', type=float, default=0.5, help='popularity exponent of synthetic()')
    ap.add_argument('--steps', type=int, default=50, help='training steps timed per size (time per epoch extrapolated)')
    ap.add_argument('--warmup', type=int, default=5, help='steps of a first, shorter fit() whose time is subtracted')
    ap.add_argument('--batch', type=int, default=128); ap.add_argument('--max-len', type=int, default=50)
    ap.add_argument('--n-neg', type=int, default=256); ap.add_argument('--sampler', default='popularity')
    ap.add_argument('--eval-users', type=int, default=2048, help='users ranked (then extrapolated to all)')
    ap.add_argument('--fit-eval-users', type=int, default=16, help="users in fit's own end-of-run valid / test evaluation")
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--out', default=str(DEFAULT_OUT), help='path prefix: writes <out>.txt and <out>.csv')
    ap.add_argument('--fig', help=f'plot path (default {DEFAULT_FIG.relative_to(ROOT)} for the default --out, else <out>.png)')
    ap.add_argument('--child', type=int, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child: print(json.dumps(child(a))); return
    import pandas as pd
    out = Path(a.out); fig = Path(a.fig) if a.fig else DEFAULT_FIG if out.resolve() == DEFAULT_OUT else out.with_suffix('.png')
    env = {**os.environ, 'OMP_NUM_THREADS': str(a.threads), 'MKL_NUM_THREADS': str(a.threads)}
    pass_on = ['--users', a.users, '--mean-len', a.mean_len, '--zipf', a.zipf, '--steps', a.steps, '--warmup', a.warmup, '--batch', a.batch,
               '--max-len', a.max_len, '--n-neg', a.n_neg, '--sampler', a.sampler, '--eval-users', a.eval_users,
               '--fit-eval-users', a.fit_eval_users, '--threads', a.threads]
    rows = []
    for n in a.items:
        t0 = time.perf_counter()
        p = subprocess.run([sys.executable, __file__, '--child', str(n), *map(str, pass_on)], env=env, capture_output=True, text=True)
        if p.returncode: sys.exit(f"child for {n:,} items failed (exit {p.returncode}):\n{p.stderr[-3000:]}")
        r = json.loads(p.stdout.strip().splitlines()[-1]); r['child_wall_s'] = time.perf_counter() - t0; rows.append(r)
        print(f"  {n:>9,} items asked ({r['n_items']:,} occur): {r['train_s_per_epoch']:8.1f} s/epoch, eval {r['eval_s_all_users']:8.1f} s, "
              f"peak {r['rss_mb']:7.0f} MB  (child {r['child_wall_s']:.0f} s)", file=sys.stderr, flush=True)
    df = pd.DataFrame(rows)
    notes = (f"train_s_per_epoch extrapolated from {a.steps} steps of fit(): train_s of fit(max_steps={a.warmup}+{a.steps}) "
             f"minus that of fit(max_steps={a.warmup}), same seed, after a discarded warm-up fit, scaled to all training sequences; eval_s_all_users extrapolated linearly from evaluate() on "
             f"the test targets of {a.eval_users} random users (all, if fewer); peak_rss_mb = ru_maxrss of a fresh child process per size "
             f"(data + fit + evaluation)")
    df['method_notes'] = notes
    cols = ['n_items', 'n_items_asked', 'n_users', 'train_s_per_epoch', 'eval_s_all_users', 'peak_rss_mb', 'rss_data_mb', 'rss_train_mb',
            'param_mb', 'item_emb_mb', 'n_events', 'train_seqs', 'steps_per_epoch', 'steps_measured', 'train_s_measured',
            'seqs_per_s', 'eval_users_measured', 'eval_users_all', 'eval_s_measured', 'data_s', 'child_wall_s', 'threads',
            'method_notes']
    df = df.rename(columns={'rss_mb': 'peak_rss_mb'})[cols]
    mline = machine(a.threads)
    cfg = (f"SASRec d 64, 2 blocks, max_len {a.max_len}, batch {a.batch}; sampled softmax + logQ, {a.sampler} sampler, "
           f"{a.n_neg} negatives shared per sequence; synthetic data: {a.users:,} users, mean length {a.mean_len:g}, "
           f"zipf {a.zipf:g}, leave-one-out")
    L = [f"# bench/scale.py: cost against catalogue size", "", f"machine: {mline}", f"config: {cfg}", "",
         "| items asked | catalogue (items that occur) | users | train s / epoch | eval s, all users | peak RSS MB | RSS after data MB | params MB | "
         "steps / epoch | s / step | eval users timed | child wall s |",
         "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in df.itertuples():
        L.append(f"| {r.n_items_asked:,} | {r.n_items:,} | {r.n_users:,} | {r.train_s_per_epoch:,.1f} | {r.eval_s_all_users:,.1f} | {r.peak_rss_mb:,.0f} | "
                 f"{r.rss_data_mb:,.0f} | {r.param_mb:,.1f} | {r.steps_per_epoch:,} | {r.train_s_measured / r.steps_measured:.3f} | "
                 f"{r.eval_users_measured:,} of {r.eval_users_all:,} | {r.child_wall_s:.0f} |")
    n = df.n_items.to_numpy()
    if len(n) >= 2:
        L += ["", "growth exponent b in cost ~ items^b (log-log least squares over the sizes): "
              f"training {slope(n, df.train_s_per_epoch):.2f}, evaluation {slope(n, df.eval_s_all_users):.2f}, "
              f"peak RSS {slope(n, df.peak_rss_mb):.2f}, parameters {slope(n, df.param_mb):.2f}"]
    L += ["", f"notes: {notes}. Training time covers the steps only (no data loading, no evaluation); params MB is the "
          "model's weights (the item table dominates); Adam training holds about 4x that."]
    text = '\n'.join(L); print(text)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix('.txt').write_text(text + '\n'); df.to_csv(out.with_suffix('.csv'), index=False, float_format='%.4g')
    plot(df, fig, f"bench/scale.py - {mline}\n{cfg}")
    print(f"\nwrote {out.with_suffix('.txt')}, {out.with_suffix('.csv')}, {fig}", file=sys.stderr)

if __name__ == '__main__': main()
