"""Pure numerics (NumPy/SciPy/numba, no RDKit, no I/O): networks, closed forms, integration."""
