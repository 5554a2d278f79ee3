"""Substrates and electrophiles by name or SMILES, with their reactive sites.

A site is an N-H nitrogen of an aliphatic amine. Aniline, amide, carbamate, sulfonamide,
amidine and aromatic N are not counted: their lone pair is delocalised, so they are orders of
magnitude less nucleophilic and do not compete under these conditions.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import get_close_matches

from monoselect.chem import tables
from monoselect.errors import InvalidStructure, UnknownReagent

# Aliphatic N with at least one H, not conjugated to a carbonyl/sulfonyl/imine/arene.
SITE_SMARTS = "[NX3;!H0;!$(N-[C,S,P]=[O,S,N]);!$(N-a);!$(N-[N,O]);!$(N-C#N);!a]"


@dataclass(frozen=True)
class ReactiveSites:
    """Reactive N-H sites of a substrate and the symmetry that relates them.

    ``classes`` come from canonical ranks without tie breaking; ``automorphisms`` are the
    permutations of site positions induced by the molecule's graph automorphisms (chirality
    ignored); ``locants`` are the chemist's numbers for the sites (ring locants where the
    table gives them, else atom order).
    """

    atoms: tuple[int, ...]
    classes: tuple[int, ...]
    automorphisms: tuple[tuple[int, ...], ...]
    locants: tuple[str, ...]


@dataclass(frozen=True)
class Substrate:
    name: str
    smiles: str  # canonical, without atom maps
    sites: ReactiveSites
    mapped_smiles: str  # as given (site atom indices refer to it), with locant maps


@dataclass(frozen=True)
class Electrophile:
    name: str
    smiles: str
    class_name: str
    class_label: str
    reaction_smarts: str
    k_default: float
    k_status: str
    pka_ref: float
    beta_nuc: float
    beta_source: str
    ea_kj: float
    ea_source: str
    substituent: str
    releases: str  # strong / carboxylic / none
    mw: float
    density: float | None
    byproduct: str | None
    releases_acid: str | None
    reactive_groups: int  # 2 for X-L-X linkers
    from_table: bool


def _parse_smiles(text: str, field: str):
    from rdkit import Chem, RDLogger

    RDLogger.DisableLog("rdApp.*")
    mol = Chem.MolFromSmiles(text) if text else None
    if mol is None:
        raise InvalidStructure(
            f"{text!r} is neither a known name nor a valid SMILES",
            field=field,
            fix="check the spelling, or give a SMILES such as 'C1CNCCNC1'",
        )
    return mol


def _unknown(text: str, field: str, known: dict) -> UnknownReagent:
    names = sorted({e.name for e in known.values()})
    close = get_close_matches(text, names, n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(close)}? " if close else ""
    return UnknownReagent(
        f"{text!r} is neither a known name nor a valid SMILES",
        field=field,
        fix=f"{hint}known: {', '.join(names)}; or give a SMILES",
    )


def _looks_like_smiles(text: str) -> bool:
    from rdkit import Chem, RDLogger

    RDLogger.DisableLog("rdApp.*")
    return Chem.MolFromSmiles(text) is not None


def find_sites(mol) -> ReactiveSites:
    """Reactive sites of ``mol`` with symmetry classes and site automorphisms."""
    from rdkit import Chem

    pattern = Chem.MolFromSmarts(SITE_SMARTS)
    found = [m[0] for m in mol.GetSubstructMatches(pattern)]
    # order sites by their locant (atom-map number where the table gives one)
    atoms = tuple(sorted(found, key=lambda a: mol.GetAtomWithIdx(a).GetAtomMapNum() or 1000 + a))
    plain = Chem.Mol(mol)
    for atom in plain.GetAtoms():
        atom.SetAtomMapNum(0)
    ranks = list(Chem.CanonicalRankAtoms(plain, breakTies=False, includeChirality=False))
    class_of_rank: dict[int, int] = {}
    classes = tuple(class_of_rank.setdefault(ranks[a], len(class_of_rank)) for a in atoms)
    position = {a: i for i, a in enumerate(atoms)}
    perms = set()
    for match in plain.GetSubstructMatches(
        plain, uniquify=False, useChirality=False, maxMatches=100000
    ):
        perms.add(tuple(position[match[a]] for a in atoms))
    locants = []
    for i, a in enumerate(atoms):
        mapno = mol.GetAtomWithIdx(a).GetAtomMapNum()
        locants.append(f"N{mapno}" if mapno else f"N{i + 1}")
    if len(set(locants)) != len(locants):
        locants = [f"N{i + 1}" for i in range(len(atoms))]
    return ReactiveSites(atoms, classes, tuple(sorted(perms)), tuple(locants))


def resolve_substrate(text: str, *, field: str = "substrate") -> Substrate:
    """A substrate from a table name or alias, or from a SMILES."""
    from rdkit import Chem

    if not isinstance(text, str) or not text.strip():
        raise UnknownReagent(
            "no substrate given", field=field, fix="name one, e.g. '1,4-diazepane'"
        )
    entry = tables.substrates().get(tables.lookup_key(text))
    if entry is None and not _looks_like_smiles(text.strip()):
        raise _unknown(text, field, tables.substrates())
    name = entry.name if entry else text.strip()
    given = entry.smiles if entry else text.strip()
    mapped = _parse_smiles(given, field)
    sites = find_sites(mapped)
    if not sites.atoms:
        raise InvalidStructure(
            f"{text!r} has no aliphatic N-H site to functionalise",
            field=field,
            fix="give an amine with at least one N-H "
            "(aniline, amide and sulfonamide N do not count)",
        )
    if len(sites.atoms) > 8:
        raise InvalidStructure(
            f"{text!r} has {len(sites.atoms)} reactive sites; at most 8 are supported",
            field=field,
        )
    plain = Chem.Mol(mapped)
    for atom in plain.GetAtoms():
        atom.SetAtomMapNum(0)
    return Substrate(name, Chem.MolToSmiles(plain), sites, given)


def classify_electrophile(mol) -> tables.ElectrophileClass | None:
    """First shipped class whose SMARTS matches ``mol``."""
    from rdkit import Chem

    for cls in tables.electrophile_classes():
        if mol.HasSubstructMatch(Chem.MolFromSmarts(cls.pattern)):
            return cls
    return None


def resolve_electrophile(text: str, *, field: str = "electrophile") -> Electrophile:
    """An electrophile from the reagent table or a SMILES, recognised into a class."""
    from rdkit import Chem
    from rdkit.Chem import Descriptors

    if not isinstance(text, str) or not text.strip():
        raise UnknownReagent("no electrophile given", field=field, fix="name one, e.g. 'Boc2O'")
    entry = tables.reagents().get(tables.lookup_key(text))
    if entry is None and not _looks_like_smiles(text.strip()):
        raise _unknown(text, field, tables.reagents())
    mol = _parse_smiles(entry.smiles if entry else text.strip(), field)
    cls = classify_electrophile(mol)
    if cls is None:
        raise InvalidStructure(
            f"{text!r} is not a recognised electrophile",
            field=field,
            fix="supported: dicarbonate (Boc2O), chloroformate, acyl chloride, anhydride, "
            "sulfonyl chloride, alkyl halide or sulfonate, aldehyde",
        )
    groups = len(mol.GetSubstructMatches(Chem.MolFromSmarts(cls.pattern)))
    return Electrophile(
        name=entry.name if entry else text.strip(),
        smiles=Chem.MolToSmiles(mol),
        class_name=cls.name,
        class_label=cls.label,
        reaction_smarts=cls.reaction,
        k_default=cls.k_default,
        k_status=cls.k_status,
        pka_ref=cls.pka_ref,
        beta_nuc=cls.beta_nuc,
        beta_source=cls.beta_source,
        ea_kj=cls.ea_kj,
        ea_source=cls.ea_source,
        substituent=cls.substituent,
        releases=cls.releases,
        mw=entry.mw if entry else Descriptors.MolWt(mol),
        density=entry.density if entry else None,
        byproduct=entry.byproduct if entry else None,
        releases_acid=entry.releases_acid if entry else None,
        reactive_groups=groups,
        from_table=entry is not None,
    )


def resolve_acid_base(text: str, *, field: str, kind: str) -> tables.AcidBase:
    """An acid or base from the shipped table (pKa values with their sources)."""
    entry = tables.acids_bases().get(tables.lookup_key(text or ""))
    if entry is None or entry.kind != kind:
        names = sorted({e.name for e in tables.acids_bases().values() if e.kind == kind})
        close = get_close_matches(text or "", names, n=3, cutoff=0.5)
        hint = f"did you mean {', '.join(close)}? " if close else ""
        raise UnknownReagent(
            f"{text!r} is not a known {kind}", field=field, fix=f"{hint}known: {', '.join(names)}"
        )
    return entry
