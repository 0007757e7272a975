"""Benchmarks: autograd_mini against hand-written NumPy backprop (the floor) and PyTorch eager,
measured side by side in one run and reported as ratios. Run with `make bench`."""
