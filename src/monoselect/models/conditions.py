"""What the solvent and the stirring mean for a run, for every family.

``solvent_notes``: the solvent stated (or the default stated as an assumption), what its
class makes relevant but the model leaves out (one line each), and a warning when the run
temperature is above its boiling point. ``mixing_check``: the Damkohler number of SCIENCE.md
section 8 for the scenario's vessel and stirring (a lab flask with a stir bar unless mixing
options are given), so every run says whether ideal mixing holds (section 13).
"""

from __future__ import annotations

from dataclasses import dataclass

from monoselect.kinetics.mixing import damkohler, engulfment_rate
from monoselect.models.mixing import IDEAL_DA, feed_point_power
from monoselect.results import Provenance
from monoselect.scenario import Scenario

# electrophile classes that protic solvents consume (solvolysis; SCIENCE.md section 12)
SOLVOLYSED = ("acyl_chloride", "sulfonyl_chloride", "chloroformate", "anhydride", "dicarbonate")


def solvent_notes(
    scenario: Scenario,
    electrophile_class: str | None = None,
    releases: str | None = None,
    *,
    solvolysis_modelled: bool = False,
) -> tuple[list[str], list[str], list[Provenance]]:
    """(assumptions, warnings, provenance) that the solvent brings to a run; the site model
    simulates solvolysis (and says so itself), the other families only state it."""
    sol = scenario.solvent_properties()
    assumptions: list[str] = []
    warnings: list[str] = []
    if scenario.solvent is None:
        assumptions.append(f"solvent not given: {sol.key} assumed")
    salty = releases in ("strong", "carboxylic") or scenario.acid or scenario.base
    if salty and not scenario.solubility:
        assumptions.append(
            f"ammonium salts stay dissolved in {sol.key}: no solubility of an amine salt in it "
            "is in the data; give solubility (e.g. --solubility 'SM.2HCl=1 mM') to let a salt "
            "precipitate"
        )
    if sol.protic and electrophile_class in SOLVOLYSED and not solvolysis_modelled:
        assumptions.append(
            f"{sol.key} is protic: solvolysis of the electrophile by the solvent (which also "
            "releases its acid) is not part of this model"
        )
    t_c = scenario.temperature_c()
    if t_c > sol.boiling_point_c:
        warnings.append(
            f"{t_c:g} degC is above the boiling point of {sol.name} ({sol.boiling_point_c:g} "
            "degC at 1 atm): run under pressure or choose a higher-boiling solvent"
        )
    prov = [Provenance(f"solvent {sol.key}", _summary(sol), sol.source)]
    return assumptions, warnings, prov


def _summary(sol) -> str:
    eps = "not sourced" if sol.dielectric is None else f"{sol.dielectric:g}"
    visc = ", ".join(f"{v:g} at {t:g} degC" for t, v in sorted(sol.viscosity_mpa_s.items()))
    return (
        f"{sol.name}: {'protic' if sol.protic else 'aprotic'}, dielectric {eps}, "
        f"{sol.density_g_per_ml:g} g/mL, viscosity {visc} mPa s, bp {sol.boiling_point_c:g} "
        f"degC, water: {sol.water}"
    )


@dataclass(frozen=True)
class MixingCheck:
    """Micromixing against reaction at the scenario's stirring: Da = k1 c / E."""

    damkohler: float
    ideal_mixing_holds: bool
    e_rate: float  # 1/s
    eps: float  # W/kg at the feed point
    nu: float  # m^2/s
    k1: float  # L/mol/s, fresh diamine (free base)
    conc: float  # mol/L
    viscosity_origin: str
    stirring_origin: str

    def to_dict(self) -> dict:
        return {
            "damkohler": self.damkohler,
            "ideal_mixing_holds": self.ideal_mixing_holds,
            "engulfment_rate_per_s": self.e_rate,
            "t_mix_s": 1.0 / self.e_rate,
            "t_reaction_s": 1.0 / (self.k1 * self.conc) if self.k1 > 0 else None,
            "eps_W_per_kg": self.eps,
            "viscosity_m2_per_s": self.nu,
        }

    def warning(self) -> str | None:
        if self.ideal_mixing_holds:
            return None
        return (
            f"ideal mixing is not valid here (Da = {self.damkohler:.2g} >= {IDEAL_DA:g}: the "
            f"reaction, {1 / (self.k1 * self.conc):.3g} s, is not slow against micromixing, "
            f"{1 / self.e_rate:.3g} s); the split above assumes instant mixing. Add "
            "--mixing-model engulfment (scenario key mixing_model) for the feed zone at this "
            "stirring, or run `monoselect mixing` for stirring and vessel sweeps"
        )


def mixing_check(scenario: Scenario, k1: float, volume_l: float) -> MixingCheck:
    """Da for the fresh diamine's rate ``k1`` (L/mol/s, free base: the fastest step) at the
    scenario's concentration, vessel and stirring."""
    eps, stirring = feed_point_power(scenario, volume_l)
    nu, visc = scenario.kinematic_viscosity()
    e_rate = engulfment_rate(eps, nu)
    conc = scenario.concentration()
    da = damkohler(e_rate, k1, conc)
    return MixingCheck(da, da < IDEAL_DA, e_rate, eps, nu, k1, conc, visc, stirring)
