"""Per-reagent rates of alkylating agents: leaving group x carbon, one table for every model."""

import pytest

from monoselect.chem import alkylation
from monoselect.chem.molecules import resolve_electrophile
from monoselect.data import load_yaml


def k(name: str) -> float:
    return resolve_electrophile(name).k_default


def test_benzylic_and_methyl_halides_outrun_benzyl_chloride():
    assert k("MeI") > k("BnCl")
    assert k("BnBr") > k("BnCl")


def test_leaving_group_order_is_iodide_bromide_chloride_at_one_carbon():
    iodide, bromide, chloride = k("CCCCI"), k("CCCCBr"), k("CCCCCl")
    assert iodide > bromide > chloride


def test_a_secondary_carbon_is_slower_than_a_primary_one():
    assert k("CC(C)CBr") > k("CCC(C)Br")


def test_bromide_at_a_primary_carbon_is_the_class_value():
    el = resolve_electrophile("CCCCBr")
    assert el.k_default == el.k_class
    assert el.k_estimated


def test_every_alkylating_factor_names_its_status_and_source():
    el = resolve_electrophile("BnBr")
    assert [t.what for t in el.k_terms] == ["leaving group", "carbon"]
    assert [t.name for t in el.k_terms] == ["Br", "benzylic"]
    for term in el.k_terms:
        assert term.status in ("reference", "approximate", "assumed") and term.source


def test_factors_are_the_products_of_the_table_entries():
    table = load_yaml("alkylation.yaml")
    lg = {name: row["factor"] for name, row in table["leaving_group"].items()}
    carbon = {row["name"]: row["factor"] for row in table["carbon"]}
    for name, want in [
        ("BnBr", lg["Br"] * carbon["benzylic"]),
        ("BnCl", lg["Cl"] * carbon["benzylic"]),
        ("MeI", lg["I"] * carbon["methyl"]),
        ("CCOS(=O)(=O)c1ccc(C)cc1", lg["OTs"] * carbon["primary"]),
        ("CCCOS(C)(=O)=O", lg["OMs"] * carbon["primary"]),
    ]:
        el = resolve_electrophile(name)
        assert el.k_default == pytest.approx(el.k_class * want)


def test_other_classes_keep_their_class_value():
    el = resolve_electrophile("Boc2O")
    assert el.k_default == el.k_class and el.k_terms == () and not el.k_estimated


def test_each_linker_end_gets_its_own_leaving_group_from_the_same_table():
    el = resolve_electrophile("1-bromo-4-chlorobutane")
    ends = dict(el.end_factors)
    assert ends["Br"] == alkylation.leaving_group_factor("Br")
    assert ends["Cl"] == alkylation.leaving_group_factor("Cl")
    assert "leaving_group_factor" not in load_yaml("ring_closure.yaml")


def test_a_measured_rate_constant_replaces_class_times_factors(monkeypatch):
    table = dict(load_yaml("alkylation.yaml"))
    table["measured"] = [
        {"name": "test entry", "smiles": "BrCc1ccccc1", "k": 0.5, "source": "test"}
    ]
    monkeypatch.setattr(alkylation, "_table", lambda: table)
    from rdkit import Chem

    rate = alkylation.reagent_rate("alkyl_halide", Chem.MolFromSmiles("BrCc1ccccc1"))
    assert rate.k(1e-3) == 0.5 and not rate.estimated
    assert rate.terms[0].status == "measured"
