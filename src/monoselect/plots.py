"""Pictures of a simulation: fractions over time (PNG/SVG with matplotlib, HTML with Plotly)."""

from __future__ import annotations

from pathlib import Path

from monoselect.errors import InvalidInput

_FORMATS = (".png", ".svg", ".html")


def _time_axis(seconds):
    end = float(seconds[-1]) if len(seconds) else 0.0
    for unit, size in (("h", 3600.0), ("min", 60.0)):
        if end >= 2 * size:
            return seconds / size, unit
    return seconds, "s"


def write_time_course(result, path: str | Path) -> Path:
    """Write species fractions over time to ``path`` (.png, .svg or .html)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in _FORMATS:
        raise InvalidInput(
            f"cannot write a plot as {path.name!r}",
            field="plot",
            fix="end the file name in .png, .svg or .html",
        )
    if path.parent and not path.parent.exists():
        raise InvalidInput(f"folder {path.parent} does not exist", field="plot")
    o = result.outcome
    t, unit = _time_axis(o.time)
    sc = result.scenario
    title = f"{sc.substrate} + {sc.eq:g} eq {sc.electrophile}"
    for what in ("acid", "base"):
        if getattr(sc, what):
            title += f", {getattr(sc, f'{what}_eq'):g} eq {getattr(sc, what)}"
    tmp = path.with_name(path.name + ".part")
    # with acid or base, a second panel: how much of each species is free base (reactive)
    basic = (
        [
            (label, o.protonation(i)[:, 0])
            for i, label in enumerate(o.labels)
            if o.protonation(i).shape[1] > 1
        ]
        if result.problem.protons.active
        else []
    )
    if suffix == ".html":
        import plotly.graph_objects as go
        from plotly.subplots import make_subplots

        rows = 2 if basic else 1
        fig = make_subplots(rows=rows, cols=1, shared_xaxes=True)
        for i, label in enumerate(o.labels):
            fig.add_trace(go.Scatter(x=t, y=o.fractions[:, i], mode="lines", name=label), 1, 1)
        for label, free in basic:
            fig.add_trace(
                go.Scatter(x=t, y=free, mode="lines", name=f"{label} free base", line_dash="dot"),
                2,
                1,
            )
        fig.update_layout(title=title, template="plotly_white")
        fig.update_yaxes(title_text="fraction of substrate units", row=1, col=1)
        if basic:
            fig.update_yaxes(title_text="free-base fraction", row=2, col=1)
        fig.update_xaxes(title_text=f"time / {unit}", row=rows, col=1)
        # plotly.js is written once beside the page from the installed package: no CDN
        fig.write_html(str(tmp), include_plotlyjs="directory", full_html=True)
        tmp.replace(path)
        return path
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if basic:
        fig, (ax, ax2) = plt.subplots(2, 1, figsize=(7, 6.4), dpi=120, sharex=True)
        for label, free in basic:
            ax2.plot(t, free, label=f"{label} free base", lw=1.6, ls=":")
        ax2.set_ylabel("free-base fraction")
        ax2.set_xlabel(f"time / {unit}")
        ax2.grid(alpha=0.3)
        ax2.legend(frameon=False)
    else:
        fig, ax = plt.subplots(figsize=(7, 4.2), dpi=120)
        ax.set_xlabel(f"time / {unit}")
    for i, label in enumerate(o.labels):
        ax.plot(t, o.fractions[:, i], label=label, lw=2)
    ax.set_ylabel("fraction of substrate units")
    ax.set_ylim(-0.02, 1.02)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(frameon=False)
    fig.tight_layout()
    fig.savefig(tmp, format=suffix[1:])
    plt.close(fig)
    tmp.replace(path)
    return path
