"""Numerical building blocks of the simulator: inversion sampling, vectorised M-fits, compiled log-densities."""
