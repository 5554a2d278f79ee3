"""Substrates and electrophiles by name or SMILES, with their reactive sites.

A site is an N-H nitrogen of an aliphatic amine. Aniline, amide, carbamate, sulfonamide,
amidine and aromatic N are not counted: their lone pair is delocalised, so they are orders of
magnitude less nucleophilic and do not compete under these conditions.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import get_close_matches

from monoselect.chem import tables
from monoselect.chem.alkylation import RateTerm, reagent_rate
from monoselect.errors import InvalidStructure, UnknownReagent

# Aliphatic N with at least one H, not conjugated to a carbonyl/sulfonyl/imine/arene.
SITE_SMARTS = "[NX3;!H0;!$(N-[C,S,P]=[O,S,N]);!$(N-a);!$(N-[N,O]);!$(N-C#N);!a]"

# Size bounds: a reagent for this chemistry has tens of atoms; the bounds keep a pasted
# polymer or a runaway string from tying up RDKit (a 100,000-character SMILES crashed it).
MAX_SMILES_CHARS = 2000
MAX_HEAVY_ATOMS = 300
# Site permutations kept for species enumeration (each of the 2^sites patterns is mapped by
# every one); cyclen has 8, a tetrakis(1,3-diaminopropan-2-yl)methane 384, and 8 sites
# allow at most 8! = 40320.
MAX_SITE_SYMMETRIES = 1000
# A fragment beside the amine that is an anion, a hydrogen halide or an oxo-acid (HCl, TFA,
# TsOH, H2SO4...) makes the SMILES a salt of the amine.
_ACID_OR_ANION_SMARTS = "[$([*-]),$([F,Cl,Br,I;H1]),$([#6,#16,#15](=O)[OX2H1])]"


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
    k_default: float  # k_ref of this reagent: the class value, or class x factors / measured
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
    k_class: float = 0.0  # the class value k_default starts from
    # per-reagent factors (alkylating agents): leaving group, carbon, or a measured k
    k_terms: tuple[RateTerm, ...] = ()
    k_estimated: bool = False  # k_default is class value x assumed/approximate factors
    end_factors: tuple[tuple[str, float], ...] = ()  # per leaving group (linker ends)
    # electrophilic groups of other classes on atoms the reacting class does not use (the
    # CH2Cl of chloroacetyl chloride): not reacted by the models, said in every result
    other_groups: tuple[str, ...] = ()


def _shown(text: str) -> str:
    """``text`` quoted for a message, cut short so a pasted structure stays one line."""
    return repr(text) if len(text) <= 60 else f"{text[:50]!r}... ({len(text)} characters)"


def _check_length(text: str, field: str) -> None:
    """Refuse text too long to be a reagent before RDKit (or difflib) reads it."""
    if len(text) > MAX_SMILES_CHARS:
        raise InvalidStructure(
            f"the {field} given is {len(text)} characters long; at most {MAX_SMILES_CHARS} "
            "are read",
            field=field,
            fix=f"give a name or the SMILES of one molecule of at most {MAX_HEAVY_ATOMS} "
            "heavy atoms",
        )


def _parse_smiles(text: str, field: str):
    """One RDKit molecule from the whole of ``text``, within the size bounds.

    RDKit reads a SMILES up to the first space and keeps the rest as a name (or a CXSMILES
    extension), so "C1CNCCN1 extra" would lose "extra" silently: whitespace is refused.
    """
    from rdkit import Chem, RDLogger

    _check_length(text, field)
    head, *rest = text.split(maxsplit=1) if text.strip() else ("",)
    if rest:
        raise InvalidStructure(
            f"{_shown(text)} has text after the SMILES {_shown(head)}: {_shown(rest[0])}",
            field=field,
            fix="give the SMILES alone, without spaces, or a known name",
        )
    RDLogger.DisableLog("rdApp.*")
    mol = Chem.MolFromSmiles(text) if text else None
    if mol is None:
        raise InvalidStructure(
            f"{_shown(text)} is neither a known name nor a valid SMILES",
            field=field,
            fix="check the spelling, or give a SMILES such as 'C1CNCCNC1'",
        )
    if mol.GetNumHeavyAtoms() > MAX_HEAVY_ATOMS:
        raise InvalidStructure(
            f"{_shown(text)} has {mol.GetNumHeavyAtoms()} heavy atoms; at most "
            f"{MAX_HEAVY_ATOMS} are supported",
            field=field,
            fix="give the reagent itself, not a polymer or a mixture",
        )
    if any(a.GetAtomicNum() == 0 for a in mol.GetAtoms()):
        raise InvalidStructure(
            f"{_shown(text)} holds a wildcard atom (*), not a molecule",
            field=field,
            fix="give the whole molecule, every atom named",
        )
    return mol


def _fragments(mol) -> list:
    from rdkit import Chem

    return sorted(Chem.GetMolFrags(mol, asMols=True), key=lambda f: -f.GetNumHeavyAtoms())


def _one_substrate_molecule(mol, text: str, field: str) -> None:
    """Refuse a SMILES of several molecules; say so when it is a salt of the amine.

    A salt ("C1CNCCN1.Cl", "[NH3+]CC[NH3+].[Cl-].[Cl-]") is not reduced to its amine: the
    acid it carries changes which N are free, and that is what the acid / acid_eq fields
    (the HCl-salt method) model. Dropping the counter-ion would simulate the free base.
    """
    from rdkit import Chem
    from rdkit.Chem.MolStandardize import rdMolStandardize

    frags = _fragments(mol)
    if len(frags) == 1:
        return
    pattern = Chem.MolFromSmarts(_ACID_OR_ANION_SMARTS)
    others = [f for f in frags if f.HasSubstructMatch(pattern) and not _site_atoms(f)]
    amines = [f for f in frags if not any(f is o for o in others)]
    if others and len(amines) == 1:
        main = amines[0]
        free = Chem.MolToSmiles(rdMolStandardize.Uncharger().uncharge(main))
        ions = ", ".join(sorted({Chem.MolToSmiles(f) for f in others}))
        raise InvalidStructure(
            f"{_shown(text)} is a salt of the amine (counter-ion or acid: {ions}); "
            "monoselect takes the free amine",
            field=field,
            fix=f"give the free amine {free!r} as {field} and the acid with acid and acid_eq "
            f"(e.g. acid: {'HCl' if ions in ('Cl', '[Cl-]') else 'TFA'}, "
            f"acid_eq: {len(others)})",
        )
    raise InvalidStructure(
        f"{_shown(text)} is {len(frags)} separate molecules; the {field} is one diamine",
        field=field,
        fix="give one molecule (no '.' in the SMILES)",
    )


def _unknown(text: str, field: str, known: dict) -> UnknownReagent:
    names = sorted({e.name for e in known.values()})
    close = get_close_matches(text, names, n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(close)}? " if close else ""
    return UnknownReagent(
        f"{_shown(text)} is neither a known name nor a valid SMILES",
        field=field,
        fix=f"{hint}known: {', '.join(names)}; or give a SMILES",
    )


def _looks_like_smiles(text: str) -> bool:
    """True when ``text`` (its first word, if several) parses as SMILES.

    The first word decides, so "C1CNCCN1 extra" is refused as a SMILES with trailing text
    rather than as an unknown name.
    """
    from rdkit import Chem, RDLogger

    RDLogger.DisableLog("rdApp.*")
    words = text.split()
    return bool(words) and Chem.MolFromSmiles(words[0]) is not None


def _site_atoms(mol) -> tuple[int, ...]:
    """Indices of the reactive N-H atoms in locant order (atom-map number, else atom order).

    One SMARTS match per atom: cheap, so it runs before any symmetry search.
    """
    from rdkit import Chem

    pattern = Chem.MolFromSmarts(SITE_SMARTS)
    found = [m[0] for m in mol.GetSubstructMatches(pattern)]
    return tuple(sorted(found, key=lambda a: mol.GetAtomWithIdx(a).GetAtomMapNum() or 1000 + a))


def _site_permutations(plain, atoms: tuple[int, ...], classes: tuple[int, ...]):
    """Permutations of the sites induced by graph automorphisms (chirality ignored).

    Listing every graph automorphism is exponential (each tert-butyl group alone gives 3!),
    and a capped list missed the one that swaps the N of a bulky symmetric diamine. Here a
    partial map of sites extends to an automorphism exactly when the molecule with those
    sites labelled (atom-map numbers) has the same canonical SMILES as with their images
    labelled; equal strings prove the isomorphism. A stabiliser chain (sites fixed one at a
    time) needs a few such tests per site, and its transversals generate the whole group.
    """
    from rdkit import Chem

    def labelled(images: dict[int, int]) -> str:
        mol = Chem.Mol(plain)
        for site, image in images.items():
            mol.GetAtomWithIdx(atoms[image]).SetAtomMapNum(site + 1)
        return Chem.MolToSmiles(mol)

    n = len(atoms)
    reference = [labelled({i: i for i in range(k)}) for k in range(n + 1)]

    def complete(images: dict[int, int]) -> tuple[int, ...]:
        # the partial map extends: the first image that keeps it extendable at each step
        for k in range(len(images), n):
            used = set(images.values())
            for j in range(n):
                if j in used or classes[j] != classes[k]:
                    continue
                if labelled({**images, k: j}) == reference[k + 1]:
                    images = {**images, k: j}
                    break
            else:  # only if canonical SMILES missed an isomorphism: keep the symmetry found
                return None
        return tuple(images[i] for i in range(n))

    identity = tuple(range(n))
    generators = set()
    for k in range(n):
        fixed = {i: i for i in range(k)}
        for j in range(k + 1, n):
            if classes[j] == classes[k] and labelled({**fixed, k: j}) == reference[k + 1]:
                perm = complete({**fixed, k: j})
                if perm is not None:
                    generators.add(perm)
    group = {identity}
    frontier = [identity]
    while frontier:
        new = []
        for perm in frontier:
            for gen in generators:
                product_ = tuple(gen[perm[i]] for i in range(n))
                if product_ not in group:
                    group.add(product_)
                    new.append(product_)
        if len(group) > MAX_SITE_SYMMETRIES:
            return None
        frontier = new
    return tuple(sorted(group))


def find_sites(mol) -> ReactiveSites:
    """Reactive sites of ``mol`` with symmetry classes and site automorphisms.

    Raises InvalidStructure when the sites have more than MAX_SITE_SYMMETRIES permutations
    (species enumeration maps every substitution pattern through each of them).
    """
    from rdkit import Chem

    atoms = _site_atoms(mol)
    plain = Chem.Mol(mol)
    for atom in plain.GetAtoms():
        atom.SetAtomMapNum(0)
    Chem.RemoveStereochemistry(plain)
    ranks = list(Chem.CanonicalRankAtoms(plain, breakTies=False, includeChirality=False))
    class_of_rank: dict[int, int] = {}
    classes = tuple(class_of_rank.setdefault(ranks[a], len(class_of_rank)) for a in atoms)
    perms = _site_permutations(plain, atoms, classes)
    if perms is None:
        raise InvalidStructure(
            f"the {len(atoms)} reactive sites of {Chem.MolToSmiles(plain)[:60]!r} have more "
            f"than {MAX_SITE_SYMMETRIES} symmetry-equivalent arrangements",
            field="substrate",
            fix="give a less symmetric substrate, or fewer N-H sites",
        )
    locants = []
    for i, a in enumerate(atoms):
        mapno = mol.GetAtomWithIdx(a).GetAtomMapNum()
        locants.append(f"N{mapno}" if mapno else f"N{i + 1}")
    if len(set(locants)) != len(locants):
        locants = [f"N{i + 1}" for i in range(len(atoms))]
    return ReactiveSites(atoms, classes, perms, tuple(locants))


def resolve_substrate(text: str, *, field: str = "substrate") -> Substrate:
    """A substrate from a table name or alias, or from a SMILES.

    Refused before any symmetry search: text over MAX_SMILES_CHARS, more than
    MAX_HEAVY_ATOMS heavy atoms, several molecules (a salt says so), no reactive N-H, and a
    mono-amine (one N in all: no mono/bis selectivity to predict). One reactive N-H beside
    another, unreactive N (a mono-protected diamine) is accepted as a one-site substrate.
    """
    from rdkit import Chem

    if not isinstance(text, str) or not text.strip():
        raise UnknownReagent(
            "no substrate given", field=field, fix="name one, e.g. '1,4-diazepane'"
        )
    _check_length(text.strip(), field)
    entry = tables.substrates().get(tables.lookup_key(text))
    if entry is None and not _looks_like_smiles(text.strip()):
        raise _unknown(text, field, tables.substrates())
    name = entry.name if entry else text.strip()
    given = entry.smiles if entry else text.strip()
    mapped = _parse_smiles(given, field)
    _one_substrate_molecule(mapped, text.strip(), field)
    atoms = _site_atoms(mapped)
    protonated = any(
        a.GetSymbol() == "N" and a.GetFormalCharge() > 0 and a.GetTotalNumHs() > 0
        for a in mapped.GetAtoms()
    )
    # an ammonium N is no site; the chemist most likely drew the salt form
    salt_hint = (
        "; a protonated N ([NH2+], [NH3+]) does not count: give the neutral amine and the "
        "acid with acid and acid_eq"
        if protonated
        else ""
    )
    if not atoms:
        raise InvalidStructure(
            f"{_shown(text)} has no aliphatic N-H site to functionalise",
            field=field,
            fix="give an amine with at least one N-H "
            "(aniline, amide and sulfonamide N do not count)" + salt_hint,
        )
    # One site beside another N is a mono-protected diamine (step 2 of protect-first): a
    # one-site run, no bis possible. One site and no other N is a mono-amine: nothing to
    # select between, and "99.8 % mono" would only be its conversion.
    n_nitrogen = sum(1 for a in mapped.GetAtoms() if a.GetAtomicNum() == 7)
    if len(atoms) == 1 and n_nitrogen == 1:
        raise InvalidStructure(
            f"{_shown(text)} is a mono-amine (one N); monoselect needs at least two "
            "reactive N-H on different N",
            field=field,
            fix="give a diamine such as piperazine or ethylenediamine; a mono-protected "
            "diamine (one free N-H beside a carbamate or amide N) runs as one site" + salt_hint,
        )
    if len(atoms) > 8:
        raise InvalidStructure(
            f"{_shown(text)} has {len(atoms)} reactive sites; at most 8 are supported",
            field=field,
        )
    try:
        sites = find_sites(mapped)
    except InvalidStructure as exc:
        raise InvalidStructure(f"{_shown(text)}: {exc.message}", field=field, fix=exc.fix) from exc
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


def average_mass(mol) -> float:
    """Average molar mass (g/mol) with implicit hydrogens: RDKit's Descriptors.MolWt, summed
    in its order (bit for bit the same number), without importing that module (a tenth of a
    second at start-up)."""
    from rdkit import Chem

    hydrogen = Chem.GetPeriodicTable().GetAtomicWeight(1)
    total = 0.0
    for atom in mol.GetAtoms():
        total += atom.GetMass()
        total += atom.GetTotalNumHs() * hydrogen
    return total


def resolve_electrophile(text: str, *, field: str = "electrophile") -> Electrophile:
    """An electrophile from the reagent table or a SMILES, recognised into a class."""
    from rdkit import Chem

    if not isinstance(text, str) or not text.strip():
        raise UnknownReagent("no electrophile given", field=field, fix="name one, e.g. 'Boc2O'")
    _check_length(text.strip(), field)
    entry = tables.reagents().get(tables.lookup_key(text))
    if entry is None and not _looks_like_smiles(text.strip()):
        raise _unknown(text, field, tables.reagents())
    mol = _parse_smiles(entry.smiles if entry else text.strip(), field)
    frags = _fragments(mol)
    if len(frags) > 1:
        raise InvalidStructure(
            f"{_shown(text)} is {len(frags)} separate molecules; the {field} is one reagent",
            field=field,
            fix=f"give one molecule (no '.' in the SMILES), e.g. {Chem.MolToSmiles(frags[0])!r}",
        )
    cls = classify_electrophile(mol)
    if cls is None:
        raise InvalidStructure(
            f"{_shown(text)} is not a recognised electrophile",
            field=field,
            fix="supported: dicarbonate (Boc2O), chloroformate, acyl chloride, anhydride, "
            "sulfonyl chloride, alkyl halide or sulfonate, aldehyde",
        )
    matches = mol.GetSubstructMatches(Chem.MolFromSmarts(cls.pattern))
    groups = len(matches)
    rate = reagent_rate(cls.name, mol)
    return Electrophile(
        name=entry.name if entry else text.strip(),
        smiles=Chem.MolToSmiles(mol),
        class_name=cls.name,
        class_label=cls.label,
        reaction_smarts=cls.reaction,
        k_default=rate.k(cls.k_default) if rate else cls.k_default,
        k_status=cls.k_status,
        pka_ref=cls.pka_ref,
        beta_nuc=cls.beta_nuc,
        beta_source=cls.beta_source,
        ea_kj=cls.ea_kj,
        ea_source=cls.ea_source,
        substituent=cls.substituent,
        releases=cls.releases,
        mw=entry.mw if entry else average_mass(mol),
        density=entry.density if entry else None,
        byproduct=entry.byproduct if entry else None,
        releases_acid=entry.releases_acid if entry else None,
        reactive_groups=groups,
        from_table=entry is not None,
        k_class=cls.k_default,
        k_terms=rate.terms if rate else (),
        k_estimated=bool(rate and rate.estimated),
        end_factors=rate.ends if rate else (),
        other_groups=_other_groups(mol, cls, matches),
    )


def _other_groups(mol, cls, matches) -> tuple[str, ...]:
    """Labels of the other shipped classes whose match shares no heteroatom (leaving group,
    carbonyl O) with ``matches``: a carbon may be shared (the CH2 of ClCH2-COCl)."""
    from rdkit import Chem

    def hetero(match):
        return {i for i in match if mol.GetAtomWithIdx(i).GetAtomicNum() != 6}

    used = set().union(*(hetero(m) for m in matches))
    found = []
    for other in tables.electrophile_classes():
        if other.name == cls.name or other.label in found:
            continue
        hits = mol.GetSubstructMatches(Chem.MolFromSmarts(other.pattern))
        if any(not used & hetero(hit) for hit in hits):
            found.append(other.label)
    return tuple(found)


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
