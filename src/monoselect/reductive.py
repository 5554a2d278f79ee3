"""Reductive amination of a diamine: one pot against a pre-formed imine (SCIENCE.md 6).

``reductive_amination(...)`` runs both modes on the same charges: all reagents at once, and
the aldehyde first for ``pre_time`` (optionally with a dehydrating agent), then the hydride.
It reports mono / bis / SM after workup, the aldehyde lost as alcohol, and the m/z of the
products. A dialdehyde is a linker: ``monoselect simulate`` runs it as step growth.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import yaml

from monoselect.chem.tables import _text, lookup_key
from monoselect.errors import InvalidInput, UnknownReagent
from monoselect.kinetics.reductive import ReductiveRates, after_workup, simulate_reductive
from monoselect.units import parse_quantity


@lru_cache(maxsize=1)
def _data() -> dict:
    return yaml.safe_load(_text("hydrides.yaml"))


def hydride_rates(name: str) -> tuple[str, float, float]:
    """(name, k_iminium, k_aldehyde) of a hydride from the shipped table."""
    for h in _data()["hydrides"]:
        if lookup_key(name) in {lookup_key(n) for n in (h["name"], *h.get("aliases", []))}:
            return h["name"], float(h["k_iminium"]), float(h["k_aldehyde"])
    names = ", ".join(h["name"] for h in _data()["hydrides"])
    raise UnknownReagent(f"{name!r} is not a known hydride", field="hydride", fix=f"known: {names}")


@dataclass(frozen=True)
class ModeResult:
    mode: str
    split: dict[str, float]  # after workup, fractions of the diamine
    alcohol: float  # fraction of the aldehyde reduced to alcohol (waste)
    aldehyde_left: float
    mono_yield_on_aldehyde: float


@dataclass(frozen=True)
class ReductiveResult:
    substrate: str
    aldehyde: str
    hydride: str
    eq: float
    one_pot: ModeResult
    preformed: ModeResult
    species: tuple  # SpeciesInfo of SM / mono / bis (m/z)
    assumptions: tuple[str, ...]
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        def mode(m: ModeResult) -> dict:
            return {
                "split_after_workup": m.split,
                "alcohol_fraction_of_aldehyde": m.alcohol,
                "aldehyde_left": m.aldehyde_left,
                "mono_yield_on_aldehyde": m.mono_yield_on_aldehyde,
            }

        return {
            "substrate": self.substrate,
            "aldehyde": self.aldehyde,
            "hydride": self.hydride,
            "eq": self.eq,
            "one_pot": mode(self.one_pot),
            "preformed": mode(self.preformed),
            "species": [
                {
                    "label": s.label,
                    "smiles": s.smiles,
                    "formula": s.formula,
                    "mz_M_plus_H": round(s.mz_h, 4),
                }
                for s in self.species
            ],
            "assumptions": list(self.assumptions),
        }


def reductive_amination(
    substrate: str = "1,4-diazepane",
    aldehyde: str = "benzaldehyde",
    *,
    eq: float = 1.0,
    hydride: str = "NaBH(OAc)3",
    hydride_eq: float = 1.5,
    scale: object = "10 mmol",
    conc: object = "0.2 M",
    pre_time: object = "2 h",
    dehydrating: bool = False,
    time: object = "24 h",
) -> ReductiveResult:
    """Both modes for ``substrate`` + ``eq`` aldehyde with ``hydride_eq`` of ``hydride``."""
    from monoselect.api import species_table
    from monoselect.chem.molecules import resolve_electrophile

    el = resolve_electrophile(aldehyde, field="aldehyde")
    if el.class_name != "aldehyde":
        raise InvalidInput(f"{el.name} is not an aldehyde", field="aldehyde")
    if el.reactive_groups != 1:
        raise InvalidInput(
            f"{el.name} has {el.reactive_groups} aldehyde groups",
            field="aldehyde",
            fix="a dialdehyde is a linker: run it with monoselect simulate (step growth)",
        )
    for name, v in (("eq", eq), ("hydride_eq", hydride_eq)):
        if not (v > 0 and math.isfinite(v)):
            raise InvalidInput(f"{name} must be > 0, got {v}", field=name)
    table = species_table(substrate, aldehyde)
    if table.network.n_species != 3:
        raise InvalidInput(
            "reductive amination is modelled for symmetric diamines", field="substrate"
        )
    h_name, k_im, k_ald = hydride_rates(hydride)
    cond = _data()["condensation"]
    k_back = cond["k_form"] / cond["K"] / (cond["dehydrating_factor"] if dehydrating else 1.0)
    rates = ReductiveRates(cond["k_form"], k_back, k_im, k_ald)
    n = parse_quantity(scale, "amount", "scale")
    c = parse_quantity(conc, "concentration", "conc")
    t_pre = parse_quantity(pre_time, "time", "pre_time")
    t_run = parse_quantity(time, "time", "time")
    if not (n > 0 and c > 0 and t_run > 0 and t_pre >= 0):
        raise InvalidInput("scale, conc and time must be > 0", field="conditions")

    def mode(label: str, at: float) -> ModeResult:
        _, y = simulate_reductive(
            rates,
            amine=n,
            aldehyde=eq * n,
            hydride=hydride_eq * n,
            volume=n / c,
            hydride_at=at,
            t_end=at + t_run,
        )
        split = after_workup(y[-1])
        return ModeResult(
            label,
            split,
            float(y[-1][8] / (eq * n)),
            float(y[-1][6] / (eq * n)),
            split["mono"] / eq,
        )

    assumptions = (
        f"iminium formation k {cond['k_form']:g} L/mol/s, K {cond['K']:g} L/mol"
        + (f", water removed (k_back / {cond['dehydrating_factor']:g})" if dehydrating else "")
        + f"; {h_name}: iminium {k_im:g}, aldehyde {k_ald:g} L/mol/s per hydride eq "
        f"({_data()['status']}: data/hydrides.yaml)",
        "a site is an N: the tertiary amine made from a secondary N cannot react again; "
        "over-alkylation of a primary NH2 on the same N is not modelled",
        f"pre-formed mode: aldehyde for {t_pre / 3600:g} h, then the hydride; both modes run "
        f"{t_run / 3600:g} h with the hydride; iminium is hydrolysed back on workup",
    )
    return ReductiveResult(
        substrate=table.substrate.name,
        aldehyde=el.name,
        hydride=h_name,
        eq=eq,
        one_pot=mode("one pot", 0.0),
        preformed=mode("pre-formed imine", t_pre),
        species=table.species,
        assumptions=assumptions,
    )
