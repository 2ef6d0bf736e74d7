"""The outputs committed in the tutorial notebooks are what the code gives today: each is executed afresh and its text
outputs compared with the committed ones (scripts/execute_nbs.py writes them)."""
import sys
from pathlib import Path
import nbformat, pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'scripts'))
from execute_nbs import OUTPUTS, NEEDS_DATA, TOLERANCE, KERNELS, execute, text_outputs, differences
import re
from negstudy import data

@pytest.mark.parametrize('nb', OUTPUTS)
def test_committed_outputs_reproduce(nb):
    if nb in NEEDS_DATA and not data.available(): pytest.skip(f"{nb}: its committed outputs show real data, and NEGSTUDY_DATA holds none")
    path = ROOT / nb
    committed = text_outputs(nbformat.read(path, as_version=4))
    assert committed, f"{nb}: no committed outputs (run: python scripts/execute_nbs.py {nb})"
    fresh = text_outputs(execute(path))
    diff = differences(fresh, committed, loose=TOLERANCE.get(nb))
    assert not diff, f"{nb}: outputs changed; rerun python scripts/execute_nbs.py {nb} and commit if intended:\n" + '\n'.join(diff[:20])

def test_differences():
    "The comparison's rules, on hand-made outputs."
    assert differences(['ndcg 0.4094 at epoch 20'], ['ndcg 0.4101 at epoch 20'], 0.02) == []
    assert differences(['ndcg 0.4094 at epoch 20'], ['ndcg 0.4101 at epoch 20']) == ['output 0: 0.4094 vs 0.4101 committed']
    assert differences(['ndcg 0.41 at epoch 21'], ['ndcg 0.41 at epoch 20'], 0.5) == ['output 0: 21 vs 20 committed']   # integers exact
    assert differences(['(0.7204907161523151,)'], ['(0.720490716085537,)']) == []                    # float noise (1e-10)
    assert differences(['hr 0.5 ndcg 0.4'], ['hr 0.5 mrr 0.4'], 1.0)[0].startswith('output 0: text differs')
    assert differences(['1e-05'], ['2e-05'], 0.02) == ['output 0: 1e-05 vs 2e-05 committed']
    assert differences(['a', 'b'], ['a']) == ['2 outputs, 1 committed']
    assert differences(['torch.Size([300, 20])'], ['torch.Size([300, 20])']) == []
    assert differences(['id 00b1e76890cb'], ['id 00b1e76891cb'], 1.0)[0].startswith('output 0: text differs')   # ids are text
    assert differences(['ml-1m ndcg10 M=2 v2.13.0'], ['ml-1m ndcg10 M=3 v2.13.0']) == ['output 0: 2 vs 3 committed']
    assert differences(['ml-1m v2.13.0'], ['ml-1m v2.13.1'], 1.0)[0].startswith('output 0: text differs')     # versions are text
    assert differences(['tensor([1, 2])'], ['tensor([1., 2.])'], 1.0)[0].startswith('output 0: text differs')
    assert differences(['20'], ['20.0'], 1.0) == ['output 0: 20 vs 20.0 committed']                  # an integer is not a decimal
    assert differences(['epoch 20.'], ['epoch 21.']) == ['output 0: 20 vs 21 committed']              # a full stop ends a sentence
    assert differences(['x nan'], ['x 0.5'], 1.0)[0].startswith('output 0: text differs')
    assert differences(['-0.25'], ['0.25'], 0.5) == ['output 0: -0.25 vs 0.25 committed']
    assert differences(['   a  0.123456\nb 1.0'], ['   a 0.12345\nb  1.0'], 1e-4) == []             # padding follows the widest number
    assert differences(['0.0', '1e-17'], ['1e-17', '0.0']) == []                                         # a floor at 0
    loose = ("'sasrec_ndcg10'", 0.02)   # 07's: only the output that shows the trained metrics is loose
    assert differences(["{'sasrec_ndcg10': 0.4094, 'mid': 0.687}", 'targets 192.0'], ["{'sasrec_ndcg10': 0.4101, 'mid': 0.692}", 'targets 189.0'], loose=loose) == [
        'output 1: 192.0 vs 189.0 committed']

def test_makefile_caps_kernels_as_the_executor_does():
    "`make test` and `make nbdev-test` run under the same kernel cap as the notebooks whose outputs are committed."
    found = dict(re.findall(r'^test nbdev-test: export (\w+) = (\S+)$', (ROOT / 'Makefile').read_text(), re.M))
    assert found == KERNELS, (found, KERNELS)
