"""Benchmarks for the performance targets in docs/benchmarks.md."""
