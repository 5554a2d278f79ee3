"""Pictures of a workup: where every species of the crude is after each step, and the purity
map of a search (PNG or SVG with matplotlib)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from monoselect.plots import check_path, commit

FORMATS = (".png", ".svg")
# where a species can be after a step, in stacking order, with its colour
PLACES = (
    ("organic phase", "#3b6fb6"),
    ("aqueous phase", "#5fb7a8"),
    ("residue (neat)", "#8c6bb1"),
    ("removed: discarded", "#b9b9b9"),
    ("removed: recovered", "#e08a2c"),
)


def _pyplot():
    import os

    os.environ.pop("MPLBACKEND", None)  # a broken user setting must not stop a file plot
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path: Path) -> Path:
    plt = _pyplot()
    try:
        return commit(lambda tmp: fig.savefig(tmp, format=path.suffix.lower()[1:], dpi=130), path)
    finally:
        plt.close(fig)


def _short(text: str, width: int = 30) -> str:
    """A step's text cut to its first clause, at most ``width`` characters."""
    head = text.split(";")[0].split(", ")[0]
    return head if len(head) <= width else head[: width - 1] + "..."


def distribution(result) -> tuple[list[str], list[str], np.ndarray]:
    """Species shown, step labels, and fractions [species, step, place] (central logP)."""
    t = result.trace
    shown = [j for j, c in enumerate(t.components) if t.crude[j] > 1e-9 * t.crude.sum()]
    labels = ["crude"] + [f"{r.index + 1}. {_short(r.text)}" for r in t.records]
    out = np.zeros((len(shown), len(labels), len(PLACES)))
    for a, j in enumerate(shown):
        out[a, 0, 0 if t.crude[j] else 2] = 1.0
    for s_i, rec in enumerate(t.records, start=1):
        into = t.crude + t.added[0]
        kept = rec.kept[0]
        place = {"organic": 0, "aqueous": 1, "neat": 2}[rec.kept_kind]
        for a, j in enumerate(shown):
            out[a, s_i, place] = kept[j] / into[j]
            if rec.funnel is not None:
                out[a, s_i, 1 if place == 0 else 0] = rec.funnel[0, j] / into[j]
            for s in t.streams:
                if s.step <= rec.index:
                    k = 4 if s.fate == "recovered" else 3
                    out[a, s_i, k] += s.amounts[0, j] / into[j]
    return [t.components[j].key for j in shown], labels, out


def write_workup(result, path: str | Path) -> Path:
    """Stacked bars per species: where it is after each step; pH of each contact on top."""
    path = check_path(path, FORMATS)
    plt = _pyplot()
    names, labels, frac = distribution(result)
    n = len(names)
    cols = min(n, 4)
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(
        rows,
        cols,
        figsize=(3.9 * cols, 3.4 * rows + 1.2),
        squeeze=False,
        sharey=True,
        layout="constrained",
    )
    x = np.arange(len(labels))
    for a, name in enumerate(names):
        ax = axes[a // cols][a % cols]
        bottom = np.zeros(len(labels))
        for k, (place, colour) in enumerate(PLACES):
            ax.bar(x, frac[a, :, k], bottom=bottom, color=colour, width=0.75, label=place)
            bottom += frac[a, :, k]
        ax.set_title(name, fontsize=10)
        ax.set_xticks(x)
        ax.set_xticklabels(labels, rotation=60, ha="right", fontsize=7)
        ax.set_ylim(0, 1.05)
        ax.grid(axis="y", alpha=0.3)
        if a % cols == 0:
            ax.set_ylabel("fraction of crude + added")
    for b in range(n, rows * cols):
        axes[b // cols][b % cols].axis("off")
    handles, texts = axes[0][0].get_legend_handles_labels()
    fig.legend(
        handles, texts, loc="outside lower center", ncol=len(PLACES), fontsize=8, frameon=False
    )
    sc = result.scenario
    ph = "; ".join(
        f"{r.index + 1}: pH " + ", ".join(f"{float(p[0]):.1f}" for p in r.ph)
        for r in result.trace.records
        if r.ph
    )
    fig.suptitle(
        f"Workup of {sc.substrate} + {sc.eq:g} eq {sc.electrophile}: where each species is "
        f"after each step (central logP)\npH of each contact, by step - {ph}",
        fontsize=9,
    )
    return _save(fig, path)


def write_search(search, path: str | Path) -> Path:
    """Purity by mass over pH x number of washes; hatched where the recovery is too low."""
    path = check_path(path, FORMATS)
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    ph = search.ph
    washes = np.array(search.washes)
    purity = np.where(search.recovery >= search.min_recovery - 1e-12, search.purity, np.nan)
    mesh = ax.pcolormesh(ph, washes, purity * 100, shading="nearest", cmap="viridis")
    low = np.where(search.recovery < search.min_recovery - 1e-12, 1.0, np.nan)
    ax.pcolormesh(ph, washes, low, shading="nearest", cmap="Greys", vmin=0, vmax=3, alpha=0.5)
    fig.colorbar(mesh, ax=ax, label="purity by mass (%)")
    if search.best_ph is not None:
        ax.plot([search.best_ph], [search.best_washes], marker="*", color="red", markersize=14)
    ax.set_xlabel("pH of the buffered wash")
    ax.set_ylabel("number of washes")
    ax.set_yticks(washes)
    ax.set_title(
        f"step {search.step + 1}: purity where >= {search.min_recovery:.0%} of the product is "
        "recovered (grey: less)",
        fontsize=9,
    )
    fig.tight_layout()
    return _save(fig, path)
