"""Real datasets load with their published counts (skipped without NEGSTUDY_DATA)."""
import os, time
import numpy as np, pytest
from negstudy import data

pytestmark = pytest.mark.skipif(not data.available(), reason="NEGSTUDY_DATA is not set or holds no dataset (CI sets it to ../shared/data)")

@pytest.mark.parametrize("name", list(data.DATASETS))
def test_counts_match_source(name):
    if name not in data.available(): pytest.skip(f"{name} not present in {data.data_dir()}")
    x = data.load(name)
    for k, v in data.DATASETS[name].expected.items():
        assert {'users': x.n_users, 'items': x.n_items, 'interactions': len(x)}[k] == v, (name, k)

def test_explicit_negatives():
    if 'kuairand' not in data.available(): pytest.skip('kuairand absent')
    k = data.load('kuairand', skip_below=0.1)
    assert (k.kind == 1).sum() == 8083 and (k.kind == 2).sum() > 0
    m = data.load('ml-100k'); assert (m.kind == 1).sum() == ((m.value <= 2)).sum() == 6110 + 11370

def test_ml1m_loo_split():
    if 'ml-1m' not in data.available(): pytest.skip('ml-1m absent')
    sp = data.split(data.load('ml-1m'), 'loo')
    assert len(sp.test_idx) == len(sp.valid_idx) == 6040 and len(sp.train_idx) == 1_000_209 - 2 * 6040
