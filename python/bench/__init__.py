"""Benchmark peers on the Python side (PyTorch eager timing of the reference models)."""
