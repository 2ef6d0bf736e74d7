"""Run exactly the notebooks `nbdev-test` runs, each in a fresh process, as pytest tests (so CI counts them: nbdev-test
only prints `Success.`), and hold each to the reader's budget: top to bottom in a couple of minutes on a laptop CPU."""
import inspect, json, os, subprocess, sys, time
from pathlib import Path
import pytest
import nbdev.test as nbt
from nbdev.config import get_config
from nbdev.doclinks import nbglob, nbglob_cli
from fastcore.xtras import working_directory

ROOT = Path(__file__).resolve().parents[1]
CFG = get_config(ROOT)
SKIP = CFG.tst_flags.split()   # `#| slow`, `#| gpu`, `#| notest` cells are left out, as nbdev-test does
BUDGET_S = float(os.environ.get('NEGSTUDY_NB_BUDGET_S', 240))   # per notebook, wall time of a fresh process

# what the `nbdev-test` command line passes to nbglob: its options' defaults (`symlinks=False`, skip `^[_.]` files and folders...)
CLI_GLOB = {k: v.default for k, v in inspect.signature(nbglob_cli).parameters.items() if k != 'path'}

def nbdev_test_files() -> list[Path]:
    "The notebooks `nbdev-test` (no path) collects: nbglob over `nbs_path`, recursive per config, minus `.notest` folders."
    with working_directory(ROOT):
        return [f.absolute() for f in sorted(nbglob(as_path=True, **CLI_GLOB)) if nbt._keep_file(f, '.notest')]

NBS = nbdev_test_files()

def test_bridge_runs_what_nbdev_test_runs(monkeypatch):
    "nbdev-test's own collection (its runner swapped for a recorder) gives the list this bridge runs."
    seen = []
    def record(f, items, **kw): seen.extend(items); return [(True, 0.0)] * len(items)
    monkeypatch.setattr(nbt, 'parallel', record)
    with working_directory(ROOT): nbt.nbdev_test(n_workers=0, **CLI_GLOB)
    assert [Path(p) for p in seen] == NBS, f"nbdev-test runs {[str(p) for p in seen]}, the bridge {[str(p) for p in NBS]}"
    assert any(p.parent.name == 'experiments' for p in NBS)   # `recursive = true`: the papermill templates are in

_RUN = """
import sys, json
from nbdev.test import test_nb
ok, secs = test_nb(sys.argv[1], skip_flags=json.loads(sys.argv[2]), basepath=sys.argv[3], cell_timeout=int(sys.argv[4]) or None)
sys.exit(0 if ok else 1)
"""

@pytest.mark.parametrize("nb", NBS, ids=[str(p.relative_to(ROOT / 'nbs')) for p in NBS])
def test_notebook(nb, record_property):
    "Top to bottom in a fresh process, from the notebook's folder, as a reader's new kernel (and nbdev-test) runs it."
    env = {**os.environ, 'OMP_NUM_THREADS': os.environ.get('OMP_NUM_THREADS', '1')}
    t0 = time.time()
    r = subprocess.run([sys.executable, '-c', _RUN, str(nb), json.dumps(SKIP), str(ROOT), str(CFG.cell_timeout or 0)],
                       env=env, capture_output=True, text=True)
    secs = time.time() - t0
    record_property('wall_s', round(secs, 1))
    print(f"{nb.relative_to(ROOT)}: {secs:.1f} s")
    assert r.returncode == 0, f"{nb.relative_to(ROOT)} failed under nbdev-test's runner:\n{r.stderr[-6000:]}"
    assert secs < BUDGET_S, (f"{nb.relative_to(ROOT)} took {secs:.0f} s top to bottom, over the {BUDGET_S:.0f} s budget a reader has "
                             f"(GUIDE: a couple of minutes on a laptop CPU); mark the slow cells `#| slow` or move them to an experiment")
