"""negstudy: which negative sampler should I use for my recommender, and what does it cost?"""
__version__ = "0.1.0"

# the public API: `from negstudy import load, split, fit` (the modules stay importable one by one)
from .core import ConfigError, DataError
from .data import load, split, synthetic, from_frame, load_table, bands, stats
from .samplers import make_sampler, SAMPLERS
# every module that registers samplers: Python runs this file before any `negstudy.<module>`, so SAMPLERS is complete
# whatever a program imports first (nbs/02_samplers.ipynb, "The registry"; a new sampler module joins this line)
from . import hard, autosample   # noqa: F401
from .losses import make_loss, LOSSES
from .models import make_model, MODELS
from .train import fit, evaluate, FitResult

__all__ = ['ConfigError', 'DataError', 'load', 'split', 'synthetic', 'from_frame', 'load_table', 'bands', 'stats', 'make_sampler',
           'SAMPLERS', 'make_loss', 'LOSSES', 'make_model', 'MODELS', 'fit', 'evaluate', 'FitResult']
