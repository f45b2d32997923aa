"""Shared parts of the benchmarks; import only after `django.setup()`."""
