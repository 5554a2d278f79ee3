"""The help desk and the bench in the browser: troubleshoot, advise, optimise, fit, work-up,
procedure (with its report as HTML, Markdown or PDF).

Each command has a page with a text box holding the command's own file (YAML or JSON, the
same keys as on the command line), and a JSON API, ``POST /api/<command>``, that takes that
mapping and answers exactly the command's ``--json``. The page shows the command's own
rendering (the terminal's tables, as HTML) next to the JSON download.
"""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import HTMLResponse, Response

from monoselect.web.common import JOB_PATTERN, render, run_job
from monoselect.web.pages.simulate import ERRORS

router = APIRouter()

# (title, what it answers, example file) per command; the examples are the README's
COMMANDS: dict[str, tuple[str, str, str]] = {
    "troubleshoot": (
        "Troubleshoot",
        "Why did my run give this? Causes ranked, each with the model's evidence and its fix "
        "simulated; LC-MS peaks assigned.",
        "substrate: 1,4-diazepane\nelectrophile: Boc2O\neq: 1.0\nsymptom:\n"
        "  observed: bis 40 %\n  measured_by: hplc-uv\n  peaks: 201.16, 301.21\n",
    ),
    "advise": (
        "Advise",
        "Which protocol, given what is precious, how much diamine, time, steps and equipment "
        "you accept?",
        "substrate: 1,4-diazepane\nelectrophile: Boc2O\nscale: 10 mmol\nprecious: substrate\n"
        "max_steps: 3\nequipment: [syringe_pump]\n",
    ),
    "optimise": (
        "Optimise",
        "The least diamine (or best conditions) for a target, within your limits.",
        "substrate: 1,4-diazepane\nelectrophile: Boc2O\nprecious: electrophile\n"
        "protocol: slow_addition\nmin_mono: 0.9\n",
    ),
    "fit": (
        "Fit",
        "Learn kappa (and the time scale k) from what your runs gave, with 95 % "
        "profile-likelihood intervals.",
        "param: [kappa, k]\nexperiments:\n  - name: 1.0 eq, one portion\n    scenario:\n"
        "      substrate: 1,4-diazepane\n      electrophile: Boc2O\n      eq: 1.0\n"
        "    observations:\n      - time: 10 min\n        kind: nmr\n"
        "        values: {SM: 47, mono: 46, bis: 7}\n      - time: end\n        kind: nmr\n"
        "        values: {SM: 21, mono: 59, bis: 20}\n",
    ),
    "workup": (
        "Work-up",
        "Acid/base extraction of the simulated crude: the pH of every wash from its charge "
        "balance, recovery and purity of every species.",
        "product: mono\nscenario:\n  substrate: 1,4-diazepane\n  electrophile: Boc2O\n"
        "  eq: 1.0\n  scale: 10 mmol\nsteps:\n  - evaporate: {}\n"
        "  - dissolve: {solvent: EtOAc, volume: 50 mL}\n"
        "  - wash: {with: 0.5 M citric acid, volume: 2 x 20 mL, keep: aqueous}\n"
        "  - basify: {with: 2 M NaOH, to_ph: 12}\n  - extract: {solvent: DCM, volume: 3 x 20 mL}\n"
        "  - dry: {agent: Na2SO4}\n  - evaporate: {}\n",
    ),
    "procedure": (
        "Procedure",
        "What to weigh, what to pump, in which order, what to expect; the plan as HTML, "
        "Markdown or PDF.",
        "protocol: hcl_salt\nsubstrate: 1,4-diazepane\nelectrophile: Boc2O\nscale: 10 mmol\n",
    ),
}


def _page(command: str):
    title, what, example = COMMANDS[command]

    async def page(request: Request):
        return render(
            request,
            "desk.html",
            page=f"/{command}",
            command=command,
            title=title,
            what=what,
            example=example,
        )

    page.__name__ = f"{command}_page"
    return page


def _api(command: str):
    _, what, _ = COMMANDS[command]

    async def api(
        request: Request,
        body: Annotated[dict[str, Any], Body()],
        job: Annotated[str | None, Query(pattern=JOB_PATTERN)] = None,
    ) -> dict:
        return await run_job(request, "desk", {"command": command, "input": body}, job)

    api.__name__ = f"{command}_api"
    api.__doc__ = (
        f"{what} The body is the mapping a file for `monoselect {command}` holds; the answer "
        f"is identical to `monoselect {command} --json`."
    )
    return api


for _name in COMMANDS:
    router.add_api_route(
        f"/{_name}",
        _page(_name),
        methods=["GET"],
        response_class=HTMLResponse,
        include_in_schema=False,
    )
    router.add_api_route(
        f"/api/{_name}",
        _api(_name),
        methods=["POST"],
        summary=COMMANDS[_name][0],
        responses=ERRORS,
        tags=["help desk"],
    )


@router.post("/api/desk", include_in_schema=False)
async def desk_view(
    request: Request,
    body: Annotated[dict[str, Any], Body()],
    job: Annotated[str | None, Query(pattern=JOB_PATTERN)] = None,
) -> dict:
    """The page's call: the command's text box in, its JSON and its rendering out."""
    payload = {"command": body.get("command"), "input": body.get("input", ""), "view": True}
    if body.get("report"):
        payload["report"] = body["report"]
    return await run_job(request, "desk", payload, job)


@router.post("/api/report", summary="Procedure as a document", responses=ERRORS, tags=["help desk"])
async def report(
    request: Request,
    body: Annotated[dict[str, Any], Body()],
    format: Annotated[str, Query(pattern="^(html|md|pdf)$")] = "html",
):
    """The body of `/api/procedure`; the answer is the file `monoselect report -o plan.FORMAT`
    writes (HTML, Markdown or PDF)."""
    out = await run_job(
        request, "desk", {"command": "procedure", "input": body, "report": format}, None
    )
    rep = out["report"]
    media = {"html": "text/html", "md": "text/markdown", "pdf": "application/pdf"}[format]
    content = base64.b64decode(rep["base64"]) if format == "pdf" else rep["text"].encode()
    return Response(
        content,
        media_type=media,
        headers={"content-disposition": f'attachment; filename="plan.{format}"'},
    )
