"""Fuzz the text loaders: randomly corrupted copies of fixtures may only raise negstudy's own errors."""
import os
import numpy as np, pytest
from hypothesis import given, settings, strategies as st, HealthCheck
from negstudy.core import NegstudyError
from negstudy import data

SEQ = b"1 3 4 5\n2 4 5 6 7\n3 1 2\n4 9 8 7 6 5\n"
TSV = b"user_id\titem_id\tts\n1\t2\t10\n1\t3\t11\n2\t2\t12\n3\t4\t13\n"
UDATA = b"1\t10\t5\t100\n1\t11\t1\t101\n2\t10\t4\t102\n"
INTER = b"user_id:token\titem_id:token\trating:float\ttimestamp:float\n1\t5\t4\t100\n2\t5\t1\t50\n"
ALPHABET = list(b"0123456789 \t\n,x-.:\x00\xff")

def corrupt(raw: bytes, ops):
    b = bytearray(raw)
    for kind, pos, ch in ops:
        if not b and kind != 'insert': continue
        p = pos % (len(b) + 1)
        if kind == 'insert': b.insert(p, ch)
        elif kind == 'delete' and p < len(b): del b[p]
        elif kind == 'replace' and p < len(b): b[p] = ch
        elif kind == 'truncate': del b[p:]
    return bytes(b)

OPS = st.lists(st.tuples(st.sampled_from(['insert', 'delete', 'replace', 'truncate']), st.integers(0, 200),
                         st.sampled_from(ALPHABET)), min_size=1, max_size=6)

def loaders(tmp_path):
    def seq(raw): p = tmp_path / 'Beauty.txt'; p.write_bytes(raw); return data.read_sequences(p)
    def tsv(raw): p = tmp_path / 't.tsv'; p.write_bytes(raw); return data.load_table(p, time='ts')
    def udata(raw):
        d = tmp_path / 'ml-100k'; d.mkdir(exist_ok=True); (d / 'u.data').write_bytes(raw)
        return data.load('ml-100k', data_dir=tmp_path)
    def inter(raw): p = tmp_path / 'r.inter'; p.write_bytes(raw); return data.load_inter(p)
    return [(seq, SEQ), (tsv, TSV), (udata, UDATA), (inter, INTER)]

FUZZ = bool(os.environ.get('NEGSTUDY_FUZZ'))   # NEGSTUDY_FUZZ=1: 5,000 fresh random examples (exploration); CI: a fixed set

@settings(max_examples=5000 if FUZZ else 150, deadline=None, derandomize=not FUZZ,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS, which=st.integers(0, 3))
def test_corrupted_inputs_raise_only_package_errors(tmp_path, ops, which):
    load, raw = loaders(tmp_path)[which]
    try: x = load(corrupt(raw, ops))
    except NegstudyError as e:
        assert str(e)   # every error says what is wrong
        return
    # whatever loads is a consistent container
    assert len(x.user) == len(x.item) == len(x.order) == len(x.kind) > 0
    assert x.user.min() >= 1 and x.item.min() >= 1 and x.item.max() == x.n_items

def test_fixtures_load(tmp_path):
    for load, raw in loaders(tmp_path): assert len(load(raw)) > 0
