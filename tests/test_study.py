"""The study machine: papermill parameters reach the run, a SIGKILLed grid resumes, Ray runs a grid, the CLI refuses bad specs."""
import json, os, shlex, signal, subprocess, sys, time
from pathlib import Path
import nbformat, pytest
from negstudy.study import load_spec, expand, is_done, run_grid, validate_spec, cell_id, template_params, TEMPLATE_TRAIN

ROOT = Path(__file__).resolve().parents[1]
TINY = dict(train=dict(epochs=2, max_len=15, batch_size=64), model_kw=dict(d=8),
            data_kw=dict(synthetic=dict(n_users=80, n_items=30, mean_len=10)))

@pytest.mark.parametrize('nb', sorted((ROOT / 'nbs' / 'experiments').glob('*.ipynb')), ids=lambda p: p.name)
def test_one_parameters_cell(nb):
    cells = nbformat.read(nb, as_version=4).cells
    tagged = [c for c in cells if 'parameters' in c.get('metadata', {}).get('tags', [])]
    assert len(tagged) == 1, f"{nb.name}: {len(tagged)} cells tagged 'parameters' (nbdev-clean must keep tags)"

TEMPLATE = ROOT / 'nbs/experiments/train_eval.ipynb'
NESTED = ('train', 'sampler_kw', 'model_kw', 'data_kw', 'loss_kw')   # JSON parameters

def _expect(m:dict, params:dict):
    "Each template parameter's value is where it belongs in metrics.json's config."
    c = m['config']
    for k, v in params.items():
        if k in TEMPLATE_TRAIN: assert c['train'].get(k) == v, k     # None: not set, fit's default
        elif k == 'train': assert {**c['train'], **json.loads(v)} == c['train'], k
        elif k in NESTED: assert c.get(k, {}) == json.loads(v), k   # loss_kw: absent from a cell when not set
        elif k not in ('out_dir', 'device'): assert c[k] == v, k
    assert m['id'] == c['id'] == cell_id({k: v for k, v in c.items() if k != 'id'})

def test_papermill_parameters_reach_the_run(tmp_path):
    import papermill as pm
    params = dict(dataset='synthetic', model='gru4rec', sampler='popularity', loss='bpr', seed=3, epochs=1, max_len=10, batch_size=32,
                  lr=0.002, train=json.dumps(dict(patience=2)), sampler_kw=json.dumps(dict(alpha=0.5, n_neg=2)),
                  model_kw=json.dumps(dict(d=8)), data_kw=json.dumps(dict(n_users=60, n_items=25, mean_len=8)),
                  loss_kw=json.dumps(dict(neg_weight=0.5)), out_dir=str(tmp_path / 'cell'), device='cpu')
    # every parameter of the template but the former single-JSON `config` and `mode` (the next test) is set here (a new one must join this test)
    assert set(pm.inspect_notebook(str(TEMPLATE))) - {'config', 'mode'} == set(params)
    pm.execute_notebook(str(TEMPLATE), str(tmp_path / 'run.ipynb'), progress_bar=False, parameters=params, cwd=str(tmp_path))
    m = json.loads((tmp_path / 'cell' / 'metrics.json').read_text())
    _expect(m, params)
    assert m['config']['train'] == dict(patience=2, epochs=1, max_len=10, batch_size=32, lr=0.002)
    assert m['device'] == 'cpu' and m['epochs_run'] == 1

def test_papermill_mode_continues_a_budgeted_cell(tmp_path):
    "`mode` reaches the run: a cell its time budget stopped after epoch 1 goes on to its last epoch, keeping its id."
    import papermill as pm
    params = dict(dataset='synthetic', sampler='uniform', seed=1, epochs=3, max_len=10, train=json.dumps(dict(time_budget_s=1e-9)),
                  model_kw=json.dumps(dict(d=8)), data_kw=json.dumps(dict(n_users=60, n_items=25, mean_len=8)), out_dir=str(tmp_path / 'cell'))
    run = lambda **kw: pm.execute_notebook(str(TEMPLATE), str(tmp_path / 'run.ipynb'), progress_bar=False, parameters={**params, **kw}, cwd=str(tmp_path))
    run(); m1 = json.loads((tmp_path / 'cell' / 'metrics.json').read_text())
    assert (m1['stopped'], m1['epochs_run']) == ('time_budget', 1) and (tmp_path / 'cell' / 'checkpoint.pt').exists()
    run(mode='continue'); m2 = json.loads((tmp_path / 'cell' / 'metrics.json').read_text())
    assert (m2['id'], m2['config'], m2['mode'], m2['stopped'], m2['epochs_run']) == (m1['id'], m1['config'], 'continue', 'epochs', 3)
    assert not (tmp_path / 'cell' / 'checkpoint.pt').exists()

def test_papermill_config_json_still_works(tmp_path):
    "The former form, one JSON `config`, still runs the cell it names (its keys win over the parameters)."
    import papermill as pm
    cfg = dict(dataset='synthetic', model='mf', sampler='uniform', loss='bpr', seed=1, sampler_kw={}, model_kw=dict(d=8),
               data_kw=dict(n_users=60, n_items=25, mean_len=8), train=dict(epochs=1, max_len=10))
    pm.execute_notebook(str(TEMPLATE), str(tmp_path / 'run.ipynb'), progress_bar=False,
                        parameters=dict(config=json.dumps(cfg), epochs=7, out_dir=str(tmp_path / 'cell'), device='cpu'), cwd=str(tmp_path))
    m = json.loads((tmp_path / 'cell' / 'metrics.json').read_text())
    assert {k: v for k, v in m['config'].items() if k != 'id'} == cfg and m['epochs_run'] == 1

def test_runner_fills_the_template_parameters(tmp_path):
    "The grid's papermill executor passes first-class parameters and rebuilds each cell exactly: same id, same config."
    import papermill as pm
    spec = validate_spec(dict(name='pm', datasets=['synthetic'], models=['mf'], samplers=['popularity'], losses=['bpr'], seeds=[2],
                              sampler_kw=dict(popularity=dict(alpha=0.5)), model_kw=dict(d=8),
                              data_kw=dict(synthetic=dict(n_users=60, n_items=25, mean_len=8)),
                              train=dict(epochs=1, lr=0.003, time_budget_s=600)))   # no max_len: fit's default, not the template's
    cell, = expand(spec)
    params = template_params(cell, tmp_path)
    assert set(params) == set(pm.inspect_notebook(str(TEMPLATE))) - {'config', 'mode'}
    assert template_params(cell, tmp_path, mode='stop_now')['mode'] == 'stop_now'   # only when set
    assert (params['epochs'], params['lr'], params['max_len'], json.loads(params['train'])) == (1, 0.003, None, dict(time_budget_s=600))
    st = run_grid(spec, tmp_path / 'runs', workers=1, executor='papermill', device='cpu', progress=False)
    assert list(st.status) == ['ran'], st.error.tolist()
    m = json.loads((tmp_path / 'runs' / cell['id'] / 'metrics.json').read_text())
    assert m['config'] == cell and m['id'] == cell['id']
    _expect(m, params)

def test_readme_papermill_command(tmp_path):
    "The README's by-hand command, exactly, from a folder outside the project and without NEGSTUDY_DATA."
    from papermill.cli import _resolve_type   # how the papermill command line types a `-p` value
    lines = [l.strip() for l in (ROOT / 'README.md').read_text().splitlines() if l.strip().startswith('papermill nbs/experiments/train_eval.ipynb')]
    assert lines, 'README.md shows no by-hand papermill command for nbs/experiments/train_eval.ipynb'
    argv = shlex.split(lines[0], comments=True)
    (tmp_path / 'nbs').symlink_to(ROOT / 'nbs')
    env = {k: v for k, v in os.environ.items() if k != 'NEGSTUDY_DATA'} | {'OMP_NUM_THREADS': '1'}
    r = subprocess.run([sys.executable, '-m', 'papermill', *argv[1:]], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    assert (tmp_path / argv[2]).exists()
    params = {argv[i + 1]: _resolve_type(argv[i + 2]) for i, a in enumerate(argv) if a == '-p'}
    assert {'dataset', 'sampler', 'seed', 'epochs'} <= set(params)
    out = Path(params['out_dir']) if 'out_dir' in params else tmp_path / 'runs' / 'manual'   # the default: runs/manual/<cell id>
    found = list((tmp_path / out).glob('*/metrics.json')) + list((tmp_path / out).glob('metrics.json'))
    assert len(found) == 1, found
    _expect(json.loads(found[0].read_text()), params)

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

def test_a_second_runner_on_one_folder_is_refused(tmp_path):
    from negstudy.study import _lock_runs
    from negstudy.core import ConfigError
    spec = load_spec(_spec(tmp_path, samplers=('uniform',), seeds=(0,))); runs = tmp_path / 'runs'; runs.mkdir()
    held = _lock_runs(runs)   # as a running grid holds it
    with pytest.raises(ConfigError, match=r'another grid is running in this folder \(pid \d+\)'): run_grid(spec, runs, workers=1, executor='direct', progress=False)
    assert not any(runs.glob('*/metrics.json'))   # refused before any cell ran
    held.close()   # the runner ended: the folder is free again
    assert list(run_grid(spec, runs, workers=1, executor='direct', progress=False).status) == ['ran']
    d = json.loads(next(runs.glob('*/metrics.json')).read_text())['data']   # what the cell loaded, recorded beside its metrics
    assert d['users'] == 200 and 0 < d['items'] <= 40 and d['train'] + d['valid'] + d['test'] <= d['interactions'] and d['valid'] > 0 and d['test'] > 0

def test_workers_end_when_only_the_runner_is_killed(tmp_path):
    "`kill <runner pid>` (not its process group): its pool workers notice and end, so no orphan goes on writing a cell."
    spec_path, runs = _spec(tmp_path, name='orphans', samplers=('uniform', 'popularity'), seeds=(0,)), tmp_path / 'runs'
    spec = json.loads(spec_path.read_text()); spec['train']['epochs'] = 2000; spec_path.write_text(json.dumps(spec))   # cells outlive the test
    cmd = [sys.executable, '-m', 'negstudy.study', 'grid', str(spec_path), '--runs', str(runs), '--executor', 'direct', '--workers', '2']
    p = subprocess.Popen(cmd, start_new_session=True, env={**os.environ, 'OMP_NUM_THREADS': '1'}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t0 = time.time()
    while time.time() - t0 < 120 and len(list(runs.glob('*/history.json'))) < 2: time.sleep(0.1)   # both workers are training
    assert len(list(runs.glob('*/history.json'))) == 2, 'the workers never started'
    os.kill(p.pid, signal.SIGKILL); p.wait()   # the runner only
    t0 = time.time(); alive = True
    while alive and time.time() - t0 < 30:
        try: os.killpg(p.pid, 0); time.sleep(0.2)   # anyone left in the runner's process group?
        except ProcessLookupError: alive = False
    if alive: os.killpg(p.pid, signal.SIGKILL)   # clean up before failing
    assert not alive, 'a grid worker outlived its runner by 30 s'

def test_a_cell_waits_for_the_worker_still_on_it(tmp_path, monkeypatch):
    "A killed runner's worker lives up to a second more: the next runner waits for the cell's lock and does not redo what that worker finished."
    import negstudy.study as st
    out = tmp_path / 'cell'; out.mkdir()
    code = ("import fcntl, json, os, sys, time; d = sys.argv[1]; f = open(d + '/.cell.lock', 'a+'); fcntl.flock(f, fcntl.LOCK_EX); "
            "print('held', flush=True); time.sleep(1.5); open(d + '/.m.tmp', 'w').write(json.dumps({'test': {}})); "
            "os.replace(d + '/.m.tmp', d + '/metrics.json')")
    p = subprocess.Popen([sys.executable, '-c', code, str(out)], stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == 'held'
    ran = []; monkeypatch.setattr(st, 'run_cell', lambda *a, **k: ran.append(a))
    t0 = time.time(); got = st._execute({'id': 'c'}, str(out), 'direct', None)
    waited = time.time() - t0; p.wait()
    assert got == ('c', None) and ran == [] and waited > 1, (got, ran, waited)   # waited for the lock, then found the cell done
    got = st._execute({'id': 'c2'}, str(tmp_path / 'fresh'), 'direct', None)   # a free, unfinished cell runs (the stub writes nothing)
    assert len(ran) == 1 and got[1].startswith('RuntimeError: the run finished without a complete metrics.json')

@pytest.mark.parametrize('path', sorted((ROOT / 'studies').rglob('*.yaml')), ids=lambda p: str(p.relative_to(ROOT / 'studies')))
def test_every_committed_spec_loads(path):
    "A spec under studies/ that a runner would refuse is found here, not hours into a session."
    cells = expand(load_spec(path))
    assert cells and len({c['id'] for c in cells}) == len(cells)

def test_two_hpo_processes_can_create_one_storage_together(tmp_path):
    "Two `negstudy hpo --samplers ...` started side by side on a new SQLite file: neither dies on 'table ... already exists'."
    pytest.importorskip('optuna')
    code = ("import sys, time, optuna; from negstudy.study import _hpo_storage; time.sleep(max(0, float(sys.argv[2]) - time.time())); "
            "optuna.create_study(study_name=sys.argv[3], storage=_hpo_storage(sys.argv[1]))")
    for rep in range(2):
        url, t0 = f"sqlite:///{tmp_path}/h{rep}.db", time.time() + 10   # both past their imports, then at the same moment
        ps = [subprocess.Popen([sys.executable, '-c', code, url, str(t0), f's{i}'], stderr=subprocess.PIPE, text=True) for i in range(2)]
        errs = [p.communicate(timeout=120)[1] for p in ps]
        assert [p.returncode for p in ps] == [0, 0], [e[-600:] for e in errs]

def test_a_papermill_kernel_ends_with_its_runner(tmp_path):
    "With the papermill executor the cell trains in a kernel (the worker's child, in a session of its own): it ends too."
    psutil = pytest.importorskip('psutil')
    spec_path, runs = _spec(tmp_path, name='kernels', samplers=('uniform',), seeds=(0,)), tmp_path / 'runs'
    spec = json.loads(spec_path.read_text()); spec['train']['epochs'] = 2000; spec_path.write_text(json.dumps(spec))   # outlives the test
    cmd = [sys.executable, '-m', 'negstudy.study', 'grid', str(spec_path), '--runs', str(runs), '--executor', 'papermill', '--workers', '2']
    p = subprocess.Popen(cmd, start_new_session=True, env={**os.environ, 'OMP_NUM_THREADS': '1'}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    def kernels():   # the kernel runs in its cell's folder; the runner and its workers do not
        out = []
        for q in psutil.process_iter():
            try:
                if str(runs) in q.cwd(): out.append(q)
            except (psutil.Error, OSError): pass
        return out
    t0 = time.time()
    while time.time() - t0 < 120 and not list(runs.glob('*/history.json')): time.sleep(0.2)
    assert kernels(), 'no kernel is training the cell'
    lock = open(next(runs.glob('*/.cell.lock')), 'a+')
    os.kill(p.pid, signal.SIGKILL); p.wait()   # the runner only
    import fcntl; t0 = time.time(); got = False
    while not got and time.time() - t0 < 30:   # the cell's lock comes free when the worker ends...
        try: fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB); got = True
        except BlockingIOError: time.sleep(0.01)
    time.sleep(0.1); at_free = kernels()   # ...and by then its kernel is gone too (it could still write the cell otherwise)
    t0 = time.time()
    while kernels() and time.time() - t0 < 30: time.sleep(0.2)
    left = kernels()
    for q in left: q.kill()   # clean up before failing
    try: os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError: pass
    assert got and not left, f'a kernel outlived its runner by 30 s: {[q.pid for q in left]}'
    assert not at_free, 'the kernel was still running when the cell lock came free'

def test_only_some_samplers_of_a_spec(tmp_path):
    "`negstudy grid SPEC --samplers a,b` (load_spec(only_samplers=...)): the rest of the spec, its loss_kw and search, narrowed."
    from negstudy.core import ConfigError
    path = ROOT / 'studies' / 'sampler' / 'lastfm_loo_tuned.yaml'
    sp = load_spec(path, only_samplers=['uniform', 'adaptive'])
    assert sp['samplers'] == ['uniform', 'adaptive'] and set(sp['search']) == {'uniform', 'adaptive'} and set(sp['loss_kw']) == {'adaptive'}
    assert {c['sampler'] for c in expand(sp)} == {'uniform', 'adaptive'}
    with pytest.raises(ConfigError, match=r"--samplers \['nope'\] not among the spec's samplers"): load_spec(path, only_samplers=['nope'])
    with pytest.raises(ConfigError, match=r"tuned: no tuned settings for \['lastfm/sasrec/adaptive/bce'\]"):
        load_spec(path, only_samplers=['uniform', 'adaptive'], tuned={'lastfm/sasrec/uniform/bce': {'lr': 0.01, 'valid': 0.1}})
    ok = load_spec(path, only_samplers=['uniform'], tuned={'lastfm/sasrec/uniform/bce': {'lr': 0.01, 'valid': 0.1}})
    assert {c['train']['lr'] for c in expand(ok)} == {0.01}

def test_a_grid_whose_data_is_missing_stops_before_its_first_cell(tmp_path, monkeypatch):
    "Started without the data folder (NEGSTUDY_DATA unset or wrong): one error naming the dataset and the folder, no cell run or failed."
    from negstudy.core import DataError
    monkeypatch.setenv('NEGSTUDY_DATA', str(tmp_path / 'no-data-here'))
    spec = load_spec(_spec(tmp_path, samplers=('uniform', 'popularity'), seeds=(0, 1)))
    spec = validate_spec({**spec, 'datasets': ['synthetic', 'lastfm'], 'data_kw': {}})
    runs = tmp_path / 'runs'
    with pytest.raises(DataError, match=r"dataset 'lastfm' needs LastFM.txt in .*no-data-here.*Nothing ran: 4 cell\(s\) of this grid need it"):
        run_grid(spec, runs, workers=1, executor='direct', progress=False)
    assert not any(p.is_dir() for p in runs.iterdir())   # no cell folder, no error.txt: nothing started
    r = subprocess.run([sys.executable, '-m', 'negstudy.study', 'grid', str(runs / 'spec.json'), '--runs', str(runs), '--executor', 'direct'],
                       capture_output=True, text=True, env={**os.environ, 'NEGSTUDY_DATA': str(tmp_path / 'no-data-here')})
    assert r.returncode == 2 and r.stderr.startswith("negstudy: error: dataset 'lastfm' needs") and "Nothing ran: 4 cell(s)" in r.stderr and not any(p.is_dir() for p in runs.iterdir())

def test_collect_derives_ndcg_balance_for_runs_that_predate_it(tmp_path):
    "A committed run without `balance_ndcg@K` gets it from its band NDCGs, by the formula `band_metrics` now records (bands without targets left out)."
    import numpy as np
    from negstudy.metrics import band_metrics
    from negstudy.study import collect
    band = np.array([-1, 0, 0, 1, 1, 2, 2, 2])
    full = band_metrics(np.array([0, 50, 3, 20, 1]), np.array([1, 2, 3, 5, 6]), band, ks=(10, 20))
    no_mid = band_metrics(np.array([0, 50, 20, 1]), np.array([1, 2, 5, 6]), np.where(band == 1, 0, band), ks=(10,))   # no mid targets
    for name, bm in (('a', full), ('b', no_mid)):
        old = {k: v for k, v in bm.items() if not k.startswith('balance_ndcg')}
        cfg = dict(dataset='synthetic', model='mf', sampler='uniform', loss='bpr', seed=0)
        (tmp_path / name).mkdir(); (tmp_path / name / 'metrics.json').write_text(json.dumps(dict(id=name, config=cfg, test=old, valid=old,
            wall_s=1, train_s=1, seqs_per_s=1, best_epoch=1, epochs_run=1)))
    td = collect(tmp_path); got = td[(td.split == 'test') & td.metric.str.startswith('balance_ndcg')].set_index(['id', 'metric']).value
    assert got[('a', 'balance_ndcg@10')] == pytest.approx(full['balance_ndcg@10'], abs=1e-12) and got[('a', 'balance_ndcg@20')] == pytest.approx(full['balance_ndcg@20'], abs=1e-12)
    assert got[('b', 'balance_ndcg@10')] == pytest.approx(no_mid['balance_ndcg@10'], abs=1e-12) and no_mid['mid_n'] == 0 and len(got) == 3

def test_a_part_of_a_grid_keeps_the_folders_spec(tmp_path):
    "`negstudy grid --dataset X` (or --samplers) runs part of a folder's grid: the folder's spec.json stays the whole grid's."
    spec_path, runs = _spec(tmp_path, samplers=('uniform', 'popularity'), seeds=(0,)), tmp_path / 'runs'
    spec = load_spec(spec_path); runs.mkdir(); (runs / 'spec.json').write_text(json.dumps(spec))
    cmd = [sys.executable, '-m', 'negstudy.study', 'grid', str(spec_path), '--runs', str(runs), '--executor', 'direct', '--samplers', 'uniform']
    r = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, 'OMP_NUM_THREADS': '1'})
    assert r.returncode == 0, r.stderr
    assert json.loads((runs / 'spec.json').read_text())['samplers'] == ['uniform', 'popularity'] and len(list(runs.glob('*/metrics.json'))) == 1
    fresh = tmp_path / 'fresh'   # a part run first, into an empty folder: spec.json is still the whole grid's
    r = subprocess.run(cmd[:6] + [str(fresh)] + cmd[7:], capture_output=True, text=True, env={**os.environ, 'OMP_NUM_THREADS': '1'})
    assert r.returncode == 0, r.stderr
    assert json.loads((fresh / 'spec.json').read_text()) == json.loads(json.dumps(spec)) and len(list(fresh.glob('*/metrics.json'))) == 1

def test_hpo_writes_what_completed_when_one_search_cannot(tmp_path):
    "`negstudy hpo`: a search whose every trial fails ends the call with status 2, naming it, and the others' best is written."
    spec = dict(name='hpo-cli-part', datasets=['synthetic'], models=['sasrec'], samplers=['adaptive', 'uniform'], losses=['bce'], seeds=[0], **TINY,
                sampler_kw=dict(adaptive=dict(n_neg=2, pool=8), uniform=dict(n_neg=2)),
                search=dict(adaptive=dict(n_neg=['choice', [16]]), uniform=dict(lr=['choice', [1e-3]])))
    (tmp_path / 'spec.json').write_text(json.dumps(spec))
    r = subprocess.run([sys.executable, '-m', 'negstudy.study', 'hpo', 'spec.json', '--trials', '1', '--out', 'best.json'], cwd=tmp_path,
                       capture_output=True, text=True, env={**os.environ, 'OMP_NUM_THREADS': '1'}, timeout=300)
    assert r.returncode == 2 and 'hpo-cli-part/synthetic/sasrec/adaptive/bce/space-' in r.stderr and 'no trial completed' in r.stderr, r.stderr[-2000:]
    best = json.loads((tmp_path / 'best.json').read_text())
    assert list(best) == ['synthetic/sasrec/uniform/bce'] and best['synthetic/sasrec/uniform/bce']['lr'] == 1e-3

def test_grid_runs_only_the_cells_named(tmp_path):
    "`negstudy grid SPEC --list` shows the cells and their state; `--cells ID,...` (ids or unique prefixes) runs only those, and spec.json stays the whole grid's."
    from negstudy.core import ConfigError
    from negstudy.study import pick_cells, grid_table
    spec_path, runs = _spec(tmp_path, samplers=('uniform', 'popularity'), seeds=(0, 1)), tmp_path / 'runs'
    cells = expand(load_spec(spec_path)); ids = [c['id'] for c in cells]
    assert len(ids) == 4 and [c['id'] for c in pick_cells(cells, [ids[2], ids[0][:6]])] == [ids[0], ids[2]]   # the grid's order
    with pytest.raises(ConfigError, match=r"--cells \['zz'\]: not a cell of this grid \(its 4 cell\(s\)"): pick_cells(cells, ['zz'])
    with pytest.raises(ConfigError, match=r"'ab' is a prefix of 2 cells"): pick_cells([{'id': 'ab1'}, {'id': 'ab2'}], ['ab'])
    with pytest.raises(ConfigError, match='no cell id given'): pick_cells(cells, [' '])
    t = grid_table(load_spec(spec_path), runs)
    assert t.id.tolist() == ids and set(t.state) == {'new'} and set(t.sampler) == {'uniform', 'popularity'}
    env = {**os.environ, 'OMP_NUM_THREADS': '1'}
    base = [sys.executable, '-m', 'negstudy.study', 'grid', str(spec_path), '--runs', str(runs), '--executor', 'direct', '--workers', '1']
    r = subprocess.run(base + ['--cells', ids[1][:7]], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert [p.parent.name for p in runs.glob('*/metrics.json')] == [ids[1]] and json.loads((runs / 'spec.json').read_text()) == json.loads(json.dumps(load_spec(spec_path)))
    r = subprocess.run(base + ['--list'], capture_output=True, text=True, env=env)
    assert r.returncode == 0 and len(list(runs.glob('*/metrics.json'))) == 1, r.stderr
    lines = {l.split()[0]: l.split()[-1] for l in r.stdout.splitlines()[1:]}
    assert lines == {i: 'done' if i == ids[1] else 'new' for i in ids}, r.stdout
    r = subprocess.run(base + ['--cells', 'nope'], capture_output=True, text=True, env=env)
    assert r.returncode == 2 and r.stderr.startswith("negstudy: error: --cells ['nope']: not a cell of this grid"), r.stderr
    (runs / ids[3]).mkdir(); (runs / ids[3] / 'checkpoint.keep').write_bytes(b'')   # what `negstudy park` leaves
    assert grid_table(load_spec(spec_path), runs).set_index('id').state[ids[3]] == 'parked'
