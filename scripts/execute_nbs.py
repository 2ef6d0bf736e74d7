"""Execute notebooks in place so their outputs are committed (the tutorial a reader sees on a code host), then clean them.

    python scripts/execute_nbs.py nbs/04_losses.ipynb nbs/06_metrics.ipynb ...
    python scripts/execute_nbs.py --list            # the notebooks whose committed outputs tests/test_outputs.py re-checks

Only cheap, deterministic notebooks belong in OUTPUTS: tests/test_outputs.py executes each afresh and compares its text
outputs with the committed ones (memory addresses and temporary paths masked).
"""
import os, re, subprocess, sys
from pathlib import Path
import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
OUTPUTS = ['nbs/00_why_negative_sampling.ipynb', 'nbs/index.ipynb', 'nbs/01_data.ipynb', 'nbs/02_samplers.ipynb', 'nbs/03_hard.ipynb',
           'nbs/04_losses.ipynb', 'nbs/05_models.ipynb', 'nbs/06_metrics.ipynb', 'nbs/07_train.ipynb', 'nbs/08_theory.ipynb', 'nbs/09_mixture.ipynb',
           'nbs/results/quality.ipynb', 'nbs/results/theory.ipynb', 'nbs/results/speed.ipynb',
           'nbs/results/autosample.ipynb', 'nbs/results/samplers.ipynb', 'nbs/results/feedback.ipynb']
NEEDS_DATA = {'nbs/01_data.ipynb', 'nbs/02_samplers.ipynb'}   # their outputs show real-data examples: executed with NEGSTUDY_DATA (CI has it)
MASK = [(re.compile(r' at 0x[0-9a-f]{6,}'), ''), (re.compile(r'0x[0-9a-f]{6,}'), '0x…'),   # nbdev-clean drops ' at 0x…' from reprs (re.compile(r'/tmp/[\w./-]+'), '/tmp/…'),
        (re.compile(r'\[\d\d/\w{3}/\d{4} \d\d:\d\d:\d\d\]'), '[…]')]   # the time stamps of a local HTTP server's log (01_data's download test)

# Kernels capped at AVX2, so that float32 sums are added in the same order on an AVX-512 CPU as on an AVX2 one: ATen's
# own kernels (ATEN_CPU_CAPABILITY), MKL's (MKL_CBWR, its conditional numerical reproducibility) and oneDNN's. Without
# the cap, a 20-epoch SASRec in 07_train ended at NDCG@10 0.4094 on one CI machine and 0.4101 on another.
KERNELS = {'ATEN_CPU_CAPABILITY': 'avx2', 'MKL_CBWR': 'AVX2', 'ONEDNN_MAX_CPU_ISA': 'AVX2'}
# How far (relative) a decimal may move across machines in the outputs that show a trained model's metrics, each named
# by text it contains (07's SASRec: 0.17% on NDCG@10, 0.7% on the mid band between two CI machines before the cap;
# whether the cap alone makes them equal was not checked on a second machine); every other decimal must match to 1e-6.
TOLERANCE = {'nbs/07_train.ipynb': ("'sasrec_ndcg10'", 0.02)}

def execute(path:Path, timeout:int=600) -> nbformat.NotebookNode:
    "The notebook at `path` executed top to bottom in a fresh kernel, in its own folder, one thread, AVX2 kernels."
    nb = nbformat.read(path, as_version=4)
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'MKL_NUM_THREADS': '1', **KERNELS}
    os.environ.update(env)
    NotebookClient(nb, timeout=timeout, kernel_name='python3', resources={'metadata': {'path': str(path.parent)}}).execute()
    return nb

def text_outputs(nb) -> list[str]:
    """Every code cell's text outputs (stream text and text/plain results), masked, in order. Consecutive pieces of one
    stream in a cell are joined first: how a kernel splits printed text into messages depends on timing, not on the code."""
    out = []
    for c in nb.cells:
        if c.cell_type != 'code': continue
        prev = None
        for o in c.get('outputs', []):
            t = o.get('text') or o.get('data', {}).get('text/plain') or ''
            t = ''.join(t) if isinstance(t, list) else t
            name = o.get('name') if o.get('output_type') == 'stream' else None
            if name is not None and prev == name: out[-1] += t
            else: out.append(t)
            prev = name
    for i, t in enumerate(out):
        for rx, sub in MASK: t = rx.sub(sub, t)
        out[i] = t
    return out

# a number standing alone: not inside a word or an id (`ndcg10`, `00b1e76890cb`, `ml-1m`) nor a version (`2.13.0`)
NUMBER = re.compile(r'(?<![\w.])[-+]?(?:\d+\.\d+|\d+)(?:[eE][-+]?\d+)?(?!\w|\.\d)')

def differences(fresh:list[str], committed:list[str], rel:float=1e-6, loose:tuple|None=None) -> list[str]:
    """Where `fresh` outputs differ from `committed` ones: the text between the numbers must be the same (white space
    aside: a table's column width follows its widest number), integers equal, and a number with a decimal point or an
    exponent within `rel` of the committed one (relative, with a floor of 1e-12); an integer never matches a decimal.
    `loose=(text, rel2)`: the outputs whose committed text contains `text` allow `rel2` instead."""
    if len(fresh) != len(committed): return [f'{len(fresh)} outputs, {len(committed)} committed']
    out = []
    for i, (f, c) in enumerate(zip(fresh, committed)):
        r = loose[1] if loose and loose[0] in c else rel
        if [' '.join(t.split()) for t in NUMBER.split(f)] != [' '.join(t.split()) for t in NUMBER.split(c)]:
            out.append(f'output {i}: text differs: {f!r} vs {c!r}'); continue
        for a, b in zip(NUMBER.findall(f), NUMBER.findall(c)):
            if a == b: continue
            dec_a, dec_b = (any(ch in t for ch in '.eE') for t in (a, b))
            x, y = float(a), float(b)
            if not (dec_a and dec_b and abs(x - y) <= r * abs(y) + 1e-12): out.append(f'output {i}: {a} vs {b} committed')
    return out

def main(argv):
    if argv[:1] == ['--list']: print('\n'.join(OUTPUTS)); return
    for p in argv or OUTPUTS:
        p = (ROOT / p).resolve(); nb = execute(p); nbformat.write(nb, p); print('executed', p.relative_to(ROOT))
    subprocess.run([str(Path(sys.executable).parent / 'nbdev-clean')], cwd=ROOT, check=True)

if __name__ == '__main__': main(sys.argv[1:])
