"""Protocols turn a Scenario into a kinetics Problem (and back into an Outcome)."""
