"""Code the tests and benchmarks share: baselines and synthetic sources. Not part of the package."""
