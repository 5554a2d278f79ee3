"""The plan as a document: a self-contained HTML page (structures as inline SVG drawn by
RDKit, the time course as inline SVG, every table, the assumptions and sources; nothing
fetched), Markdown for an electronic lab notebook, and PDF from the same HTML by WeasyPrint
(no browser)."""

from __future__ import annotations

import html
import io
from pathlib import Path

from monoselect.errors import InvalidInput
from monoselect.procedure.build import ProcedureResult, tables

FORMATS = (".html", ".md", ".pdf")

CSS = """
body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 10pt; margin: 1.5em; color: #222; }
h1 { font-size: 16pt; margin-bottom: 0.2em; } h2 { font-size: 12pt; margin-top: 1.2em;
 border-bottom: 1px solid #999; }
table { border-collapse: collapse; margin: 0.4em 0; } td, th { border: 1px solid #bbb;
 padding: 2px 6px; vertical-align: top; } th { background: #eee; } td.n { text-align: right; }
.structures { display: flex; flex-wrap: wrap; gap: 8px; } .structures figure { margin: 0;
 text-align: center; font-size: 9pt; } .small { font-size: 8.5pt; color: #444; }
table { page-break-inside: avoid; } h2 { page-break-after: avoid; }
@page { size: A4; margin: 15mm; }
"""


def _structure_svg(smiles: str, size=(180, 130)) -> str:
    from rdkit import Chem
    from rdkit.Chem.Draw import rdMolDraw2D

    mol = Chem.MolFromSmiles(smiles)
    d = rdMolDraw2D.MolDraw2DSVG(*size)
    d.drawOptions().clearBackground = False
    # one scale for SM, mono and bis (a small molecule would otherwise fill its box and look
    # larger than its products); a molecule too big for the box is still shrunk to fit
    d.drawOptions().fixedBondLength = 22
    d.DrawMolecule(mol)
    d.FinishDrawing()
    text = d.GetDrawingText()
    return text[text.index("<svg") :]  # drop the XML declaration: inline in HTML


def _course_svg(p: ProcedureResult) -> str | None:
    """Diamine units over time as an inline SVG (site runs), or None."""
    o = getattr(p.reaction, "outcome", None)
    if o is None:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    t = np.asarray(o.time) / 3600
    amounts = np.asarray(o.amounts)
    total = amounts.sum(axis=1, keepdims=True)
    fig, ax = plt.subplots(figsize=(6.4, 2.8))
    for j, label in enumerate(o.labels):
        ax.plot(t, amounts[:, j] / total[:, 0], label=label, lw=1.8)
    ax.set_xlabel("time / h")
    ax.set_ylabel("fraction of diamine")
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend(loc="center right", fontsize=8)
    fig.tight_layout()
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg") :]


def _rows_html(head, rows, numeric=()) -> str:
    out = ["<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr>"]
    for r in rows:
        cells = []
        for i, c in enumerate(r):
            cls = ' class="n"' if i in numeric else ""
            cells.append(f"<td{cls}>{html.escape(str(c))}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def _workup_rows(p: ProcedureResult):
    if p.workup is None:
        return None
    d = p.workup.to_dict()["workup"]
    steps = [
        [s["step"], s["operation"], ", ".join(f"{x['value']:.2f}" for x in s["pH"]) or "-"]
        for s in d["steps"]
    ]
    iso = d.get("isolated") or {}
    return steps, iso


def html_page(p: ProcedureResult) -> str:
    t = tables(p)
    structures = []
    table = getattr(p.reaction, "table", None)
    for s in (table.species if table is not None else ())[:6]:
        structures.append(
            f"<figure>{_structure_svg(s.smiles)}<figcaption>{html.escape(s.label)}: "
            f"{html.escape(s.formula)}, MW {s.mw:.2f}</figcaption></figure>"
        )
    course = _course_svg(p)
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>{html.escape(p.label)}</title><style>{CSS}</style></head><body>",
        f"<h1>{html.escape(p.label)}</h1>",
        "<p class='small'>Written by monoselect from a simulation of this run; every number "
        "below is the simulated one, with the assumptions and sources listed at the end.</p>",
        "<h2>Structures</h2><div class='structures'>" + "".join(structures) + "</div>",
        "<h2>Reagents</h2>" + _rows_html(*t["reagents"]),
        _rows_html(*t["volumes"]),
        "<h2>Procedure</h2>" + _rows_html(*t["steps"]),
        "<h2>Expected outcome (simulated)</h2>" + _rows_html(*t["expected"]),
    ]
    if course:
        parts.append(f"<div>{course}</div>")
    if p.ions:
        parts.append("<h2>LC-MS monitoring</h2>" + _rows_html(*t["lcms"]))
    if p.notes:
        parts.append(
            "<h2>Notes</h2><ul>"
            + "".join(
                f"<li>{html.escape(text)} <span class='small'>[{html.escape(src)}]</span></li>"
                for text, src in p.notes
            )
            + "</ul>"
        )
    w = _workup_rows(p)
    if w is not None:
        steps, _ = w
        rec, pur = p.workup.recovery(), p.workup.purity_by_mass()
        parts.append(
            "<h2>Work-up (simulated)</h2>" + _rows_html(["#", "operation", "pH"], steps, (0,))
        )
        parts.append(
            f"<p>Isolated {html.escape(p.workup.plan.product)}: recovery {rec[0]:.1%} "
            f"({rec.min():.1%}-{rec.max():.1%}), purity by mass {pur[0]:.1%} "
            f"({pur.min():.1%}-{pur.max():.1%}); ranges over the logP intervals.</p>"
        )
    parts.append(
        "<h2>Assumptions</h2><ul class='small'>"
        + "".join(f"<li>{html.escape(a)}</li>" for a in p.assumptions)
        + "</ul>"
    )
    if p.warnings:
        parts.append(
            "<h2>Warnings</h2><ul>"
            + "".join(f"<li>{html.escape(a)}</li>" for a in p.warnings)
            + "</ul>"
        )
    parts.append(
        "<h2>Sources</h2>"
        + _rows_html(
            ["quantity", "value", "source"], [[q.quantity, q.value, q.origin] for q in p.provenance]
        )
    )
    parts.append("</body></html>")
    return "\n".join(parts)


def _md_table(head, rows, numeric=()) -> str:
    def cell(x):
        return str(x).replace("|", "\\|")

    sep = ["---:" if i in numeric else "---" for i in range(len(head))]
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join(sep) + " |"]
    lines += ["| " + " | ".join(cell(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def markdown(p: ProcedureResult) -> str:
    t = tables(p)
    out = [
        f"# {p.label}",
        "",
        "## Reagents",
        "",
        _md_table(*t["reagents"]),
        "",
        _md_table(*t["volumes"]),
        "",
        "## Procedure",
        "",
        _md_table(*t["steps"]),
        "",
        "## Expected outcome (simulated)",
        "",
        _md_table(*t["expected"]),
        "",
    ]
    if p.ions:
        out += ["## LC-MS monitoring", "", _md_table(*t["lcms"]), ""]
    if p.notes:
        out += ["## Notes", ""] + [f"- {text} [{src}]" for text, src in p.notes] + [""]
    w = _workup_rows(p)
    if w is not None:
        rec, pur = p.workup.recovery(), p.workup.purity_by_mass()
        out += [
            "## Work-up (simulated)",
            "",
            _md_table(["#", "operation", "pH"], w[0], (0,)),
            "",
            f"Isolated {p.workup.plan.product}: recovery {rec[0]:.1%} ({rec.min():.1%}-"
            f"{rec.max():.1%}), purity by mass {pur[0]:.1%} ({pur.min():.1%}-{pur.max():.1%}).",
            "",
        ]
    out += ["## Assumptions", ""] + [f"- {a}" for a in p.assumptions] + [""]
    if p.warnings:
        out += ["## Warnings", ""] + [f"- {a}" for a in p.warnings] + [""]
    out += [
        "## Sources",
        "",
        _md_table(
            ["quantity", "value", "source"], [[q.quantity, q.value, q.origin] for q in p.provenance]
        ),
        "",
    ]
    return "\n".join(out)


def check_path(path) -> Path:
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise InvalidInput(
            f"cannot write a report as {path.suffix or 'a file without an extension'}",
            field="report",
            fix="end the file name with .html, .md or .pdf",
        )
    if not path.parent.exists():
        raise InvalidInput(
            f"folder {path.parent} does not exist",
            field="report",
            fix="create it first or write elsewhere",
        )
    return path


def write_report(p: ProcedureResult, path) -> Path:
    """Write ``p`` as HTML, Markdown or PDF (by the extension); atomically, so a failure
    leaves no half-written file."""
    from monoselect.plots import commit

    path = check_path(path)
    kind = path.suffix.lower()
    if kind == ".md":
        text = markdown(p)
        return commit(lambda tmp: tmp.write_text(text, encoding="utf-8"), path, "report")
    page = html_page(p)
    if kind == ".html":
        return commit(lambda tmp: tmp.write_text(page, encoding="utf-8"), path, "report")
    from weasyprint import HTML

    return commit(lambda tmp: HTML(string=page).write_pdf(str(tmp)), path, "report")
