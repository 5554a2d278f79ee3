"""The LC-MS ions a chemist sees for each species, and peaks assigned back to species.

An electrospray spectrum of a Boc reaction is not a list of [M+H]+: sodium adducts and
doubly charged diamines appear, and N-Boc carbamates lose isobutene (-56) or the whole Boc
(-100) in the source, so bis-Boc shows at the mono's [M+H]+ and mono at the diamine's
(SCIENCE.md section 10). ``ion_table`` lists every such ion with its m/z from RDKit exact
masses; ``assign_peaks`` maps observed m/z back to species and says when a peak fits more
than one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from monoselect.errors import InvalidInput, InvalidStructure

# CODATA 2018 (physics.nist.gov/cuu/Constants): proton and electron rest masses in u
PROTON_MASS = 1.007276466621
ELECTRON_MASS = 0.000548579909
# what a cation ion adds to M: Na+ is the 23Na atom minus an electron (NIST atomic weights
# and isotopic compositions: 23Na 22.9897692820 u)
SODIUM_ION_MASS = 22.9897692820 - ELECTRON_MASS

# in-source losses (neutral fragments, NIST monoisotopic masses via RDKit): an O-tBu carbonyl
# loses isobutene C4H8 (56.0626); an N-Boc loses C4H8 + CO2 = C5H8O2 (100.0524) and shows as
# the free amine. Both are the usual ESI fragments of Boc carbamates.
TBU_SMARTS = "[CX3](=O)O[CX4]([CH3])([CH3])[CH3]"
BOC_SMARTS = "[NX3][CX3](=O)O[CX4]([CH3])([CH3])[CH3]"
ISOBUTENE = {"C": 4, "H": 8}
BOC_LOSS = {"C": 5, "H": 8, "O": 2}

DEFAULT_TOLERANCE = 0.02  # m/z units: a unit-resolution single quad reads to about 0.1,
# an ESI-TOF to 5 ppm (0.001 at m/z 200); 0.02 suits a routine reaction-monitoring LC-MS


class Ion(NamedTuple):
    """One expected peak: which species, which ion, its m/z and how strong relative to the
    species' [M+H]+ isotope envelope (1.0 for the monoisotopic peak)."""

    species: str
    ion: str
    mz: float
    charge: int = 1
    relative: float = 1.0
    note: str = ""


def _element_masses(formula: Mapping[str, int]) -> float:
    from rdkit import Chem

    table = Chem.GetPeriodicTable()
    return sum(table.GetMostCommonIsotopeMass(e) * n for e, n in formula.items())


def _mol(name: str, smiles: str):
    from rdkit import Chem

    mol = Chem.MolFromSmiles(smiles) if isinstance(smiles, str) and smiles.strip() else None
    if mol is None:
        raise InvalidStructure(
            f"cannot read the SMILES of {name}: {smiles!r}",
            field="species",
            fix="give a valid SMILES, e.g. C1CNCCNC1",
        )
    return mol


def _as_pairs(species) -> list[tuple[str, str]]:
    """(name, SMILES) from a mapping, (name, SMILES) pairs, or objects with label/smiles
    (``SpeciesInfo`` of a species table)."""
    if isinstance(species, Mapping):
        return [(str(k), v) for k, v in species.items()]
    if isinstance(species, str):
        return [(species, species)]
    out = []
    for item in species:
        if hasattr(item, "smiles"):
            out.append((str(getattr(item, "label", None) or item.smiles), item.smiles))
        elif isinstance(item, Sequence) and len(item) == 2:
            out.append((str(item[0]), item[1]))
        else:
            raise InvalidInput(
                f"cannot read species {item!r}",
                field="species",
                fix="give (name, SMILES) pairs, a {name: SMILES} mapping or a species table",
            )
    return out


def species_ions(name: str, smiles: str) -> list[Ion]:
    """Every ion of one species: [M+H]+, [M+Na]+, [M+2H]2+ (two basic sites or more),
    in-source losses of tBu and Boc, and the M+2 (and M+4...) Cl/Br isotope peaks of
    [M+H]+."""
    from rdkit import Chem
    from rdkit.Chem import rdMolDescriptors

    from monoselect.chem.products import isotope_pattern

    mol = _mol(name, smiles)
    m = rdMolDescriptors.CalcExactMolWt(mol)
    mh = m + PROTON_MASS
    ions = [
        Ion(name, "[M+H]+", mh),
        Ion(name, "[M+Na]+", m + SODIUM_ION_MASS),
    ]
    basic = len(mol.GetSubstructMatches(Chem.MolFromSmarts("[NX3;!$(N-[C,S]=[O,N,S]);!a]")))
    if basic >= 2:
        ions.append(Ion(name, "[M+2H]2+", (m + 2 * PROTON_MASS) / 2, charge=2))
    n_tbu = len(mol.GetSubstructMatches(Chem.MolFromSmarts(TBU_SMARTS)))
    n_boc = len(mol.GetSubstructMatches(Chem.MolFromSmarts(BOC_SMARTS)))
    if n_tbu:
        ions.append(
            Ion(name, "[M+H-C4H8]+", mh - _element_masses(ISOBUTENE), note="in-source loss of tBu")
        )
    for k in range(1, n_boc + 1):
        label = "[M+H-Boc]+" if k == 1 else f"[M+H-{k}Boc]+"
        ions.append(
            Ion(
                name,
                label,
                mh - k * _element_masses(BOC_LOSS),
                note=f"in-source loss of {k} Boc" if k > 1 else "in-source loss of Boc",
            )
        )
    for offset, rel in isotope_pattern(mol):
        if offset == 0:
            continue
        # the Cl/Br heavy isotopes sit 1.99705 (37Cl-35Cl) and 1.99795 (81Br-79Br) u above;
        # count how many of each the offset holds by the most probable combination
        ions.append(
            Ion(
                name,
                f"[M+H]+ M+{offset}",
                mh + _heavy_shift(mol, offset),
                relative=rel,
                note="Cl/Br isotope peak",
            )
        )
    return ions


def _heavy_shift(mol, offset: int) -> float:
    """Mass shift of the M+offset peak: heavy isotopes on Br first (the larger shift),
    which is the composition of the peak's main contributor for mixed Cl/Br."""
    from rdkit import Chem

    table = Chem.GetPeriodicTable()
    shift = {
        z: table.GetMassForIsotope(z, light + 2) - table.GetMassForIsotope(z, light)
        for z, light in ((17, 35), (35, 79))
    }
    n_br = sum(1 for a in mol.GetAtoms() if a.GetAtomicNum() == 35)
    heavy = offset // 2
    on_br = min(heavy, n_br)
    return on_br * shift[35] + (heavy - on_br) * shift[17]


def ion_table(species) -> list[Ion]:
    """The ions of every species, in species order.

    ``species``: a {name: SMILES} mapping, (name, SMILES) pairs, or a species table's
    ``SpeciesInfo`` rows (anything with ``label`` and ``smiles``).
    """
    out: list[Ion] = []
    for name, smiles in _as_pairs(species):
        out.extend(species_ions(name, smiles))
    return out


class PeakAssignment(NamedTuple):
    """An observed m/z and every ion within tolerance; ``ambiguous`` when those ions belong
    to more than one species."""

    mz: float
    matches: tuple[Ion, ...]

    @property
    def species(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(i.species for i in self.matches))

    @property
    def ambiguous(self) -> bool:
        return len(self.species) > 1

    @property
    def verdict(self) -> str:
        if not self.matches:
            return "no species of this reaction"
        text = " or ".join(f"{i.species} {i.ion}" for i in self.matches)
        if self.ambiguous:
            return f"ambiguous: {text}"
        return text

    def to_dict(self) -> dict:
        return {
            "mz": self.mz,
            "matches": [i._asdict() for i in self.matches],
            "species": list(self.species),
            "ambiguous": self.ambiguous,
            "verdict": self.verdict,
        }


def read_peaks(peaks: Iterable) -> list[float]:
    """Observed m/z as floats: numbers or text ('201.16, 301.2'); each > 0 and finite."""
    import math

    if isinstance(peaks, str):
        peaks = [p for p in peaks.replace(";", ",").replace(" ", ",").split(",") if p]
    out = []
    for p in peaks:
        try:
            v = float(p)
        except (TypeError, ValueError):
            raise InvalidInput(
                f"cannot read m/z {p!r}", field="peaks", fix="give numbers, e.g. 201.16"
            ) from None
        if not (math.isfinite(v) and 1.0 <= v <= 1e5):
            raise InvalidInput(
                f"m/z {p!r} is not a mass spectrometer reading", field="peaks", fix="1-100000"
            )
        out.append(v)
    return out


def assign_peaks(
    peaks: Iterable, ions: Sequence[Ion], tolerance: float = DEFAULT_TOLERANCE
) -> list[PeakAssignment]:
    """Each observed m/z with every ion within ``tolerance`` (m/z units), closest first."""
    import math

    if not (isinstance(tolerance, int | float) and math.isfinite(tolerance) and tolerance > 0):
        raise InvalidInput(
            f"m/z tolerance must be > 0, got {tolerance!r}", field="tolerance", fix="e.g. 0.02"
        )
    out = []
    for mz in read_peaks(peaks):
        near = [i for i in ions if abs(i.mz - mz) <= tolerance]
        hits = sorted(near, key=lambda i, mz=mz: abs(i.mz - mz))
        out.append(PeakAssignment(mz, tuple(hits)))
    return out
