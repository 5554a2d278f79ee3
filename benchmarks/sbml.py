"""The few MathML/SBML pieces the libRoadRunner baselines are written with (rate rules on
parameters: each model is a set of ODEs, exactly the ones our engine integrates)."""

from __future__ import annotations

MATHML = "http://www.w3.org/1998/Math/MathML"


def ci(name: str) -> str:
    return f"<ci>{name}</ci>"


def apply(op: str, *args: str) -> str:
    """<apply><op/>args</apply>; with "minus" and one argument it negates."""
    return f"<apply><{op}/>" + "".join(args) + "</apply>"


def product(*names: str) -> str:
    return apply("times", *(ci(n) for n in names))


def document(model_id: str, parameters: dict[str, tuple[float, bool]], rules: dict[str, str]):
    """An SBML L3 model: ``parameters`` name -> (value, constant), ``rules`` var -> MathML."""
    params = "".join(
        f'<parameter id="{n}" value="{v!r}" constant="{str(const).lower()}"/>'
        for n, (v, const) in parameters.items()
    )
    rate_rules = "".join(
        f'<rateRule variable="{v}"><math xmlns="{MATHML}">{e}</math></rateRule>'
        for v, e in rules.items()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sbml xmlns="http://www.sbml.org/sbml/level3/version1/core" level="3" version="1">'
        f'<model id="{model_id}"><listOfParameters>{params}</listOfParameters>'
        f"<listOfRules>{rate_rules}</listOfRules></model></sbml>"
    )
