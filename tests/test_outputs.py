"""The outputs committed in the tutorial notebooks are what the code gives today: each is executed afresh and its text
outputs compared with the committed ones (scripts/execute_nbs.py writes them)."""
import sys
from pathlib import Path
import nbformat, pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'scripts'))
from execute_nbs import OUTPUTS, NEEDS_DATA, TOLERANCE, execute, text_outputs, differences
from negstudy import data

@pytest.mark.parametrize('nb', OUTPUTS)
def test_committed_outputs_reproduce(nb):
    if nb in NEEDS_DATA and not data.available(): pytest.skip(f"{nb}: its committed outputs show real data, and NEGSTUDY_DATA holds none")
    path = ROOT / nb
    committed = text_outputs(nbformat.read(path, as_version=4))
    assert committed, f"{nb}: no committed outputs (run: python scripts/execute_nbs.py {nb})"
    fresh = text_outputs(execute(path))
    diff = differences(fresh, committed, TOLERANCE.get(nb, 0.0))
    assert not diff, f"{nb}: outputs changed; rerun python scripts/execute_nbs.py {nb} and commit if intended:\n" + '\n'.join(diff[:20])

def test_differences():
    "The comparison's rules, on hand-made outputs."
    assert differences(['ndcg 0.4094 at epoch 20'], ['ndcg 0.4101 at epoch 20'], 0.01) == []
    assert differences(['ndcg 0.4094 at epoch 20'], ['ndcg 0.4101 at epoch 20']) == ['output 0: 0.4094 vs 0.4101 committed']
    assert differences(['ndcg 0.41 at epoch 21'], ['ndcg 0.41 at epoch 20'], 0.01) == ['output 0: 21 vs 20 committed']   # integers exact
    assert differences(['(0.7204907161523151,)'], ['(0.720490716085537,)']) == []                    # float noise (1e-10)
    assert differences(['hr 0.5 ndcg 0.4'], ['hr 0.5 mrr 0.4'], 1.0)[0].startswith('output 0: text differs')
    assert differences(['1e-05'], ['2e-05']) == ['output 0: 1e-05 vs 2e-05 committed']
    assert differences(['a', 'b'], ['a']) == ['2 outputs, 1 committed']
    assert differences(['torch.Size([300, 20])'], ['torch.Size([300, 20])']) == []
