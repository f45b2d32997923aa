"""Benchmarks: standalone scripts, one per bench/*.py, run by `make bench`."""
