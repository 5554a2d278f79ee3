"""Chemistry layer (RDKit only here): molecules, reactive sites, symmetry, products, masses."""
