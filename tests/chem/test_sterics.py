"""Alpha substituents of each reactive N, counted by RDKit."""

import pytest

from monoselect.chem.molecules import resolve_substrate
from monoselect.chem.sterics import alpha_branches, steric_default


@pytest.mark.parametrize(
    ("substrate", "branches"),
    [
        ("piperazine", (0, 0)),
        ("1,4-diazepane", (0, 0)),
        ("2-methylpiperazine", (1, 0)),  # N1 next to C2-methyl, N4 free
        ("CC1CNC(C)CN1", (1, 1)),  # 2,5-dimethylpiperazine
        ("CC1(C)CNCCN1", (0, 2)),  # 2,2-dimethylpiperazine: N1 of the SMILES is N4
        ("CNCCNC", (0, 0)),  # an N-methyl is no alpha branch
    ],
)
def test_alpha_branches_count_substituents_next_to_each_n(substrate, branches):
    assert alpha_branches(resolve_substrate(substrate)) == branches


def test_every_class_has_a_factor_below_one_with_a_source():
    from monoselect.chem.tables import electrophile_classes

    for cls in electrophile_classes():
        factor, status, source = steric_default(cls.name)
        assert 0 < factor < 1 and status and source
