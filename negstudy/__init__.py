"""negstudy: which negative sampler should I use for my recommender, and what does it cost?"""
__version__ = "0.1.0"
