"""Run every module notebook as a pytest test, so CI counts them (nbdev-test only prints `Success.`)."""
from pathlib import Path
import pytest
from nbdev.test import test_nb as run_nb  # aliased: pytest would collect a `test_`-named import
from nbdev.config import get_config

ROOT = Path(__file__).resolve().parents[1]
NBS = sorted((ROOT / "nbs").glob("*.ipynb"))
SKIP = get_config(ROOT).tst_flags.split()

@pytest.mark.parametrize("nb", NBS, ids=[p.name for p in NBS])
def test_notebook(nb):
    ok, secs = run_nb(nb, skip_flags=SKIP, basepath=ROOT)
    assert ok, f"{nb.name} failed (see the traceback above)"
