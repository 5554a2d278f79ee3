"""Pictures of a fit: observed against fitted (the line y = x is a perfect fit) and the
profile of every parameter with the 3.84 line that sets the 95 % interval."""

from __future__ import annotations

from pathlib import Path

from monoselect.fit.estimate import DELTA_95
from monoselect.plots import check_path, commit

FORMATS = (".png", ".svg")


def check(path) -> Path:
    return check_path(path, FORMATS)


def write_fit(result, path) -> Path:
    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = check(path)
    n = len(result.params)
    fig, axes = plt.subplots(1, n + 1, figsize=(4.0 * (n + 1), 3.6))
    ax = axes[0]
    colours = {"SM": "#4c72b0", "mono": "#55a868", "bis": "#c44e52"}
    for row in result.rows:
        ax.errorbar(
            row["fitted"],
            row["observed"],
            yerr=row["sd"],
            fmt="o",
            color=colours.get(row["species"], "grey"),
            ms=5,
            capsize=2,
        )
    for s, c in colours.items():
        ax.plot([], [], "o", color=c, label=s)
    ax.plot([0, 1], [0, 1], "k--", lw=0.8)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("fitted")
    ax.set_ylabel("observed")
    ax.set_title("observed against fitted")
    ax.legend(fontsize=8, loc="upper left")
    for ax, p in zip(axes[1:], result.params, strict=True):
        prof = result.profiles[p.name]
        xs = [10**x for x in prof.x]
        ax.plot(xs, prof.delta, "o-", ms=3)
        ax.axhline(DELTA_95, color="k", ls="--", lw=0.8)
        for end in result.intervals[p.name]:
            if end is not None:
                ax.axvline(end, color="grey", ls=":", lw=0.8)
        if max(xs) / min(xs) > 10:  # a wide (flat or one-sided) profile reads on a log axis
            ax.set_xscale("log")
        else:
            ax.ticklabel_format(axis="x", style="sci", scilimits=(-3, 3))
            ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(4))
        ax.set_ylim(0, max(DELTA_95 * 2, min(max(prof.delta), 30)))
        ax.set_xlabel(p.name + (" (L/mol/s)" if p.base == "k" else ""))
        ax.set_ylabel("delta chi2")
        ax.set_title(f"{p.name}: {result.classes[p.name]}")
    fig.tight_layout()
    commit(lambda tmp: fig.savefig(tmp, format=path.suffix[1:], dpi=130), path)
    plt.close(fig)
    return path
