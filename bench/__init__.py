"""Benchmarks (`make bench`): medians beside a baseline measured in the same run."""
