"""The study machine: papermill parameters reach the run, a SIGKILLed grid resumes, Ray runs a grid, the CLI refuses bad specs."""
import json, os, signal, subprocess, sys, time
from pathlib import Path
import nbformat, pytest
from negstudy.study import load_spec, expand, is_done, run_grid, validate_spec

ROOT = Path(__file__).resolve().parents[1]
TINY = dict(train=dict(epochs=2, max_len=15, batch_size=64), model_kw=dict(d=8),
            data_kw=dict(synthetic=dict(n_users=80, n_items=30, mean_len=10)))

@pytest.mark.parametrize('nb', sorted((ROOT / 'nbs' / 'experiments').glob('*.ipynb')), ids=lambda p: p.name)
def test_one_parameters_cell(nb):
    cells = nbformat.read(nb, as_version=4).cells
    tagged = [c for c in cells if 'parameters' in c.get('metadata', {}).get('tags', [])]
    assert len(tagged) == 1, f"{nb.name}: {len(tagged)} cells tagged 'parameters' (nbdev-clean must keep tags)"

def test_papermill_parameters_reach_the_run(tmp_path):
    import papermill as pm
    cfg = dict(dataset='synthetic', model='gru4rec', sampler='popularity', loss='bpr', seed=3, sampler_kw=dict(alpha=0.5, n_neg=2),
               model_kw=dict(d=8), data_kw=dict(n_users=60, n_items=25, mean_len=8), train=dict(epochs=1, max_len=10))
    pm.execute_notebook(str(ROOT / 'nbs/experiments/train_eval.ipynb'), str(tmp_path / 'run.ipynb'), progress_bar=False,
                        parameters=dict(config=json.dumps(cfg), out_dir=str(tmp_path / 'cell'), device='cpu'), cwd=str(tmp_path))
    m = json.loads((tmp_path / 'cell' / 'metrics.json').read_text())
    for k, v in cfg.items(): assert m['config'][k] == v, k
    assert m['device'] == 'cpu' and m['epochs_run'] == 1

def _spec(tmp_path, name='kill', samplers=('uniform', 'popularity', 'in_batch', 'mixed'), seeds=(0, 1)):
    p = tmp_path / f'{name}.yaml'
    p.write_text(json.dumps(dict(name=name, datasets=['synthetic'], samplers=list(samplers), seeds=list(seeds),
                                 **{**TINY, 'train': dict(epochs=12, max_len=15, batch_size=16),
                                    'data_kw': dict(synthetic=dict(n_users=200, n_items=40, mean_len=12))})))
    return p

def test_sigkill_then_resume_completes_every_cell_once(tmp_path):
    spec_path, runs = _spec(tmp_path), tmp_path / 'runs'
    cmd = [sys.executable, '-m', 'negstudy.study', 'grid', str(spec_path), '--runs', str(runs), '--executor', 'direct', '--workers', '2']
    env = {**os.environ, 'OMP_NUM_THREADS': '1'}
    p = subprocess.Popen(cmd, start_new_session=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cells = expand(load_spec(spec_path))
    t0 = time.time()
    while time.time() - t0 < 120 and sum(is_done(runs / c['id']) for c in cells) < 1: time.sleep(0.05)
    os.killpg(p.pid, signal.SIGKILL); p.wait()                      # the runner and its workers
    done_before = {c['id']: (runs / c['id'] / 'metrics.json').stat().st_mtime_ns for c in cells if is_done(runs / c['id'])}
    assert 0 < len(done_before) < len(cells), 'the kill should land mid-grid'
    for c in cells:   # nothing corrupt: a metrics.json is complete or absent, no temporaries
        d = runs / c['id']
        if (d / 'metrics.json').exists(): json.loads((d / 'metrics.json').read_text())
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert all(is_done(runs / c['id']) for c in cells)
    for cid, mt in done_before.items(): assert (runs / cid / 'metrics.json').stat().st_mtime_ns == mt   # not run twice
    assert not list(runs.rglob('*.tmp'))

def test_ray_backend_runs_a_small_grid(tmp_path):
    ray = pytest.importorskip('ray')
    spec = validate_spec(dict(name='ray', datasets=['synthetic'], samplers=['uniform', 'popularity'], seeds=[0], **TINY))
    try: st = run_grid(spec, tmp_path / 'runs', backend='ray', workers=2, executor='direct', progress=False)
    finally: ray.shutdown()
    assert list(st.status) == ['ran', 'ran']

def test_cli_refuses_bad_specs_before_running(tmp_path):
    bad = tmp_path / 'bad.yaml'; bad.write_text("name: b\ndatasets: [ml-1m]\nsamplers: [explicit]\n")
    r = subprocess.run([sys.executable, '-m', 'negstudy.study', 'grid', str(bad), '--runs', str(tmp_path / 'r')], capture_output=True, text=True)
    assert r.returncode == 2 and "samplers: 'explicit' needs negative feedback, but dataset 'ml-1m' has none" in r.stderr
    assert not (tmp_path / 'r').exists()
