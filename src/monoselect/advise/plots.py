"""Pictures of the help desk (PNG or SVG, matplotlib only; no graph tool needed).

- troubleshooting: the observed split against what each cause predicts, and each fix;
- advice: the decision path as a column of boxes, the branch taken filled, next to the
  protocols that meet the constraints;
- optimum: every simulated point, mono yield against diamine used, the front of points no
  other beats on both, and the optimum.
"""

from __future__ import annotations

from pathlib import Path

FORMATS = (".png", ".svg")
COLOURS = {"SM": "#9e9e9e", "mono": "#2e7d32", "bis": "#c62828", "other": "#6a1b9a"}


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def check(path) -> Path:
    from monoselect.plots import check_path

    return check_path(path, FORMATS)


def _save(fig, path: Path) -> Path:
    from monoselect.plots import commit

    plt = _pyplot()
    fmt = path.suffix.lower().lstrip(".")
    try:
        commit(lambda tmp: fig.savefig(tmp, format=fmt, dpi=120, bbox_inches="tight"), path)
    finally:
        plt.close(fig)
    return path


def _stack(ax, y, fractions, height=0.6):
    left = 0.0
    other = sum(v for k, v in fractions.items() if k not in ("SM", "mono", "bis"))
    for key in ("SM", "mono", "bis", "other"):
        v = other if key == "other" else fractions.get(key, 0.0)
        if v > 0:
            ax.barh(y, v, left=left, height=height, color=COLOURS[key])
            if v > 0.06:
                ax.text(
                    left + v / 2, y, f"{v:.0%}", ha="center", va="center", fontsize=8, color="white"
                )
        left += v


def _observed(ax, y, given: dict, height=0.6):
    """The parts the chemist gave where the model rows have them (SM from the left, bis from
    the right, mono after SM); what was not given is hatched."""
    sm, mono, bis = (given.get(k) for k in ("SM", "mono", "bis"))
    spans = []
    if sm is not None:
        spans.append(("SM", 0.0, sm))
    if mono is not None:
        spans.append(("mono", sm or 0.0, mono))
    if bis is not None:
        spans.append(("bis", 1.0 - bis, bis))
    ax.barh(y, 1.0, height=height, color="white", hatch="//", edgecolor="#bbbbbb")
    for key, left, width in spans:
        ax.barh(y, width, left=left, height=height, color=COLOURS[key])
        if width > 0.06:
            ax.text(
                left + width / 2,
                y,
                f"{width:.0%}",
                ha="center",
                va="center",
                fontsize=8,
                color="white",
            )


def write_troubleshooting(t, path) -> Path:
    """Observed vs each cause's prediction and its fix, as stacked bars of diamine units."""
    path = check(path)
    plt = _pyplot()
    live = [d for d in t.diagnoses if not d.ruled_out and d.predicted is not None]
    rows = []
    if t.symptom.observed:
        rows.append(("observed (hatched: not given)", dict(t.symptom.observed)))
    rows.append(("conditions as given (model)", t.expected.fractions))
    for d in live:
        rows.append((f"{d.title[:48]} ({d.weight:.0%})", d.predicted.fractions))
        if d.fix_predicted is not None:
            rows.append(("   fix: " + d.fix[:44], d.fix_predicted.fractions))
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(rows) + 1.2))
    for i, (label, f) in enumerate(rows):
        if label.startswith("observed"):
            _observed(ax, -i, f)
        else:
            _stack(ax, -i, f)
    ax.set_yticks([-i for i in range(len(rows))], [r[0] for r in rows], fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_xlabel("fraction of diamine units")
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in COLOURS.values()]
    ax.legend(
        handles,
        list(COLOURS),
        ncol=4,
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        frameon=False,
        fontsize=8,
    )
    ax.set_title(
        f"{t.scenario.substrate} + {t.scenario.eq:g} eq {t.scenario.electrophile}: "
        f"{t.symptom.describe()}",
        fontsize=9,
        pad=22,
    )
    return _save(fig, path)


def write_advice(a, path) -> Path:
    """The decision path (branch taken filled) and the ranked protocols' mono yields."""
    path = check(path)
    plt = _pyplot()
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(12, max(4.0, 0.9 * len(a.path) + 1)), gridspec_kw={"width_ratios": [1.25, 1]}
    )
    left.set_axis_off()
    n = len(a.path)
    for i, (question, answer) in enumerate(a.path):
        y = 1 - (i + 0.5) / n
        left.text(
            0.02,
            y + 0.025,
            question,
            fontsize=8,
            ha="left",
            va="bottom",
            weight="bold",
            transform=left.transAxes,
        )
        left.text(
            0.06,
            y - 0.005,
            answer[:70] + ("..." if len(answer) > 70 else ""),
            fontsize=8,
            ha="left",
            va="top",
            transform=left.transAxes,
            bbox={"boxstyle": "round", "fc": "#e8f5e9", "ec": "#2e7d32"},
        )
        if i < n - 1:
            left.annotate(
                "",
                xy=(0.03, 1 - (i + 1.35) / n),
                xytext=(0.03, y - 0.05),
                xycoords="axes fraction",
                arrowprops={"arrowstyle": "->", "color": "#555"},
            )
    left.set_title("decision path (the branch taken)", fontsize=9)
    names = [o.label for o in a.ranked][::-1]
    key = (
        "mono_yield_on_electrophile"
        if a.conditions.precious == "electrophile"
        else ("mono_yield_on_substrate")
    )
    vals = [getattr(o, key) for o in a.ranked][::-1]
    bars = right.barh(names, vals, color="#2e7d32")
    if bars:
        bars[-1].set_color("#1b5e20")
    for y, v in enumerate(vals):
        right.text(v + 0.01, y, f"{v:.0%}", va="center", fontsize=8)
    right.set_xlim(0, 1.1)
    right.set_xlabel(f"mono yield on the {a.conditions.precious}")
    right.set_title(
        f"{len(a.ranked)} protocols meet the constraints ({len(a.excluded)} left out)", fontsize=9
    )
    return _save(fig, path)


def write_optimum(o, path) -> Path:
    """Mono yield on the precious reagent against diamine used: every simulated point, the
    front no other point beats on both, and the optimum."""
    path = check(path)
    plt = _pyplot()
    pts = [p for p in o.points if not p.error]
    fig, ax = plt.subplots(figsize=(7, 4.5))

    def y(p):
        return (
            p.mono_yield_on_electrophile
            if o.precious == "electrophile"
            else (p.mono_yield_on_substrate)
        )

    hours = [min(p.time_s, 1e7) / 3600 for p in pts]
    sc = ax.scatter(
        [p.diamine_eq for p in pts],
        [y(p) for p in pts],
        c=hours,
        cmap="viridis",
        s=[28 if p.feasible else 10 for p in pts],
        alpha=0.8,
    )
    fig.colorbar(sc, ax=ax, label="time to 99 % of the mono (h)")
    front = sorted(pts, key=lambda p: (p.diamine_eq, -y(p)))
    best_y, line = -1.0, []
    for p in front:
        if y(p) > best_y + 1e-9:
            best_y = y(p)
            line.append(p)
    ax.plot(
        [p.diamine_eq for p in line],
        [y(p) for p in line],
        "k--",
        lw=1,
        label="front: more mono needs more diamine",
    )
    ax.scatter(
        [o.best.diamine_eq],
        [y(o.best)],
        marker="*",
        s=220,
        c="#c62828",
        label=f"optimum ({'feasible' if o.feasible else 'limits not met'})",
        zorder=5,
    )
    ax.set_xlabel("diamine used (eq)")
    ax.set_ylabel(f"mono yield on the {o.precious}")
    ax.set_title(f"{o.protocol}: {o.goal}", fontsize=9)
    ax.legend(fontsize=8, loc="lower right")
    return _save(fig, path)
