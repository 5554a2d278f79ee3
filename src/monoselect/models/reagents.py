"""Reagents resolved once per process: the RDKit work (parsing, SMARTS classes, symmetry,
product structures) is cached by the text the user gave and by canonical SMILES, so a
comparison of eight protocols parses each molecule once."""

from __future__ import annotations

import re
from functools import lru_cache

from monoselect.chem import alkylation
from monoselect.chem.alkylation import OverAlkylation
from monoselect.chem.molecules import (
    Electrophile,
    Substrate,
    resolve_acid_base,
    resolve_electrophile,
    resolve_substrate,
)
from monoselect.chem.products import SpeciesInfo, species_structures
from monoselect.errors import InvalidInput, InvalidStructure
from monoselect.kinetics.network import SiteModel, enumerate_species, species_labels

__all__ = [
    "acid_base",
    "electrophile",
    "molar_mass",
    "over_alkylation",
    "reagent_carbon",
    "salt",
    "site_model",
    "species",
    "substrate",
]


def _text(text: str, field: str) -> str:
    """RDKit takes UTF-8: text it cannot encode (an unpaired surrogate from a bad file or
    terminal) is one InvalidInput, not an encoding traceback."""
    if isinstance(text, str):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidInput("is not valid text", field=field, fix="retype it") from None
    return text


# a substrate charged as its salt: "piperazine.2HCl", "1,4-diazepane.HCl", "X.TFA"
_SALT = re.compile(
    r"^(?P<base>.+?)\s*[.\u00b7]\s*(?P<n>\d+(?:\.\d+)?)?\s*(?P<acid>HCl|HBr|TFA)\s*$",
    re.IGNORECASE,
)
SALT_ACIDS = {"hcl": "HCl", "hbr": "HBr", "tfa": "TFA"}


def salt(text: str) -> tuple[str, str | None, float]:
    """(free base text, acid, acid per diamine) of a substrate written as its salt;
    (text, None, 0) when it is the free base."""
    m = _SALT.match(text) if isinstance(text, str) else None
    if m is None:
        return text, None, 0.0
    n = float(m["n"]) if m["n"] else 1.0
    if not 0 < n <= 8:
        raise InvalidInput(
            f"{text!r}: {n:g} acid per diamine", field="substrate", fix="e.g. piperazine.2HCl"
        )
    return m["base"], SALT_ACIDS[m["acid"].lower()], n


@lru_cache(maxsize=256)
def substrate(text: str, field: str = "substrate") -> Substrate:
    base, _, _ = salt(_text(text, field))
    return resolve_substrate(base, field=field)


@lru_cache(maxsize=256)
def electrophile(text: str, field: str = "electrophile") -> Electrophile:
    return resolve_electrophile(_text(text, field), field=field)


@lru_cache(maxsize=64)
def acid_base(text: str, field: str, kind: str):
    return resolve_acid_base(text, field=field, kind=kind)


def site_model(sub: Substrate, over: OverAlkylation | None = None) -> SiteModel:
    """The substrate's sites; with ``over`` each site takes up to its N-H + 1 groups."""
    s = sub.sites
    return SiteModel(
        classes=s.classes,
        automorphisms=s.automorphisms,
        locants=s.locants,
        capacity=None if over is None else over.capacity,
        hydrogens=None if over is None else over.hydrogens,
    )


def reagent_carbon(el: Electrophile) -> str:
    """The kind of carbon an alkylating agent reacts at (methyl, benzylic, primary...)."""
    return next((t.name for t in el.k_terms if t.what == "carbon"), "other")


@lru_cache(maxsize=256)
def over_alkylation(sub: Substrate, el: Electrophile, multiplier: float = 1.0):
    """How far ``el`` alkylates each N of ``sub`` and each step's factor (None: one group per
    N, as for acylation, or ``multiplier`` 0)."""
    return alkylation.over_alkylation(sub, el.class_name, reagent_carbon(el), multiplier)


@lru_cache(maxsize=256)
def species(
    sub: Substrate, el: Electrophile, over: bool = True
) -> tuple[tuple[tuple[int, ...], ...], tuple[str, ...], tuple[SpeciesInfo, ...]]:
    """Substitution patterns up to symmetry, their labels and structures (SMILES, m/z);
    ``over`` False keeps one group per N whatever the reagent."""
    from rdkit.Chem import rdchem

    model = site_model(sub, over_alkylation(sub, el) if over else None)
    patterns = tuple(enumerate_species(model))
    labels = tuple(species_labels(patterns, model))
    try:
        structures = tuple(species_structures(sub, el, patterns, labels))
    except rdchem.MolSanitizeException as exc:  # e.g. a valence the product cannot have
        raise InvalidStructure(
            f"the products of {sub.name} with {el.name} are not valid molecules ({exc})",
            field="substrate",
            fix="give the substrate without explicit or isotopic H on the reacting N",
        ) from None
    return patterns, labels, structures


@lru_cache(maxsize=256)
def molar_mass(smiles: str) -> float:
    """Average molar mass, g/mol."""
    from rdkit import Chem

    from monoselect.chem.molecules import average_mass

    return average_mass(Chem.MolFromSmiles(smiles))
