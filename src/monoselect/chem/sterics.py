"""Steric hindrance of each reactive N: substituents on the carbons next to it.

A site's rate is multiplied by f ** n, n its alpha-branches (below) and f the factor per
alpha substituent of the electrophile's class (data/sterics.yaml, sourced or flagged
assumed; the scenario's ``steric`` overrides it). 2-methylpiperazine: N1 carries the
branch, so acylation and Boc go mainly to N4; symmetric diamines get the same factor on
every site, so their split does not move.
"""

from __future__ import annotations

from functools import lru_cache

from monoselect.chem.molecules import Substrate
from monoselect.data import load_yaml

__all__ = ["alpha_branches", "steric_default"]


@lru_cache(maxsize=256)
def alpha_branches(sub: Substrate) -> tuple[int, ...]:
    """Per site (in site order): substituents on its alpha carbons beyond the chain.

    For every carbon bonded to the N: its heavy-atom neighbours other than the N, less the
    one that carries the chain (N-CH2-CH2: 0; N-CH(CH3)-CH2: 1; N-C(CH3)2-CH2: 2; an
    N-methyl: 0).
    """
    from rdkit import Chem

    mol = Chem.MolFromSmiles(sub.mapped_smiles)
    out = []
    for a in sub.sites.atoms:
        n = 0
        for carbon in mol.GetAtomWithIdx(a).GetNeighbors():
            if carbon.GetAtomicNum() != 6:
                continue
            heavy = sum(1 for x in carbon.GetNeighbors() if x.GetAtomicNum() > 1)
            n += max(0, heavy - 2)
        out.append(n)
    return tuple(out)


def steric_default(class_name: str) -> tuple[float, str, str]:
    """(factor per alpha substituent, status, source) for an electrophile class."""
    data = load_yaml("sterics.yaml")
    row = data["classes"].get(class_name) or data["default"]
    return float(row["factor"]), data["status"], row["source"]
