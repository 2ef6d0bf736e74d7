"""The outputs committed in the tutorial notebooks are what the code gives today: each is executed afresh and its text
outputs compared with the committed ones (scripts/execute_nbs.py writes them)."""
import sys
from pathlib import Path
import nbformat, pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'scripts'))
from execute_nbs import OUTPUTS, NEEDS_DATA, execute, text_outputs
from negstudy import data

@pytest.mark.parametrize('nb', OUTPUTS)
def test_committed_outputs_reproduce(nb):
    if nb in NEEDS_DATA and not data.available(): pytest.skip(f"{nb}: its committed outputs show real data, and NEGSTUDY_DATA holds none")
    path = ROOT / nb
    committed = text_outputs(nbformat.read(path, as_version=4))
    assert committed, f"{nb}: no committed outputs (run: python scripts/execute_nbs.py {nb})"
    fresh = text_outputs(execute(path))
    assert fresh == committed, f"{nb}: outputs changed; rerun python scripts/execute_nbs.py {nb} and commit if intended"
