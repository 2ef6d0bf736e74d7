"""Write README.md from nbs/index.ipynb, so the two cannot drift: the notebook's markdown cells as they are, its code cells
as fenced Python blocks (outputs left out: the README restates no run), and links relative to `nbs/` made relative to the
project root. Offline, standard library only.

    python scripts/readme.py           # write README.md
    python scripts/readme.py --check   # exit 1 if README.md is not what the notebook gives (tests/test_readme.py checks the same)
"""
import json, posixpath, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NB, README = ROOT / 'nbs' / 'index.ipynb', ROOT / 'README.md'
HEADER = '<!-- Generated from nbs/index.ipynb by scripts/readme.py: edit the notebook, then run the script. -->\n\n'
FENCE = re.compile(r'^(```.*?^```)', re.M | re.S)
LINK = re.compile(r'(\]\()([^)\s]+)(\))')   # [text](target) and ![alt](target)

def root_link(target:str) -> str:
    "A link written from `nbs/` (where the notebook lives), as seen from the project root; URLs and anchors unchanged."
    if re.match(r'[a-zA-Z][\w+.-]*:|#|/', target): return target
    return posixpath.normpath(posixpath.join('nbs', target))

def markdown(src:str) -> str:
    "A markdown cell with its links rewritten, fenced code blocks left alone."
    return ''.join(p if FENCE.fullmatch(p) else LINK.sub(lambda m: m[1] + root_link(m[2]) + m[3], p) for p in FENCE.split(src))

def code(src:str) -> str|None:
    "A code cell as a fenced block, nbdev directives (`#| ...`) dropped; None for a hidden cell."
    lines = src.splitlines()
    directives = [l[3:].strip() for l in lines if l.startswith('#|')]
    if any(d.split()[:1] in (['hide'], ['exec_doc']) for d in directives): return None
    body = '\n'.join(l for l in lines if not l.startswith('#|')).strip('\n')
    return f'```python\n{body}\n```' if body else None

def render(nb_path:Path=NB) -> str:
    "The README that `nb_path` gives."
    parts = []
    for c in json.loads(Path(nb_path).read_text())['cells']:
        src = ''.join(c['source'])
        part = markdown(src) if c['cell_type'] == 'markdown' else code(src) if c['cell_type'] == 'code' else None
        if part and part.strip(): parts.append(part.strip('\n'))
    return HEADER + '\n\n'.join(parts) + '\n'

if __name__ == '__main__':
    text = render()
    if '--check' in sys.argv[1:]:
        same = README.exists() and README.read_text() == text
        print('README.md is up to date' if same else 'README.md differs from nbs/index.ipynb: run python scripts/readme.py')
        sys.exit(0 if same else 1)
    README.write_text(text)
    print(f'wrote {README.relative_to(ROOT)} ({len(text.encode())} bytes) from {NB.relative_to(ROOT)}')
