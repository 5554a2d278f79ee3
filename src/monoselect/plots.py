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
    title = (
        f"{result.scenario.substrate} + {result.scenario.eq:g} eq {result.scenario.electrophile}"
    )
    tmp = path.with_name(path.name + ".part")
    if suffix == ".html":
        import plotly.graph_objects as go

        fig = go.Figure()
        for i, label in enumerate(o.labels):
            fig.add_trace(go.Scatter(x=t, y=o.fractions[:, i], mode="lines", name=label))
        fig.update_layout(
            title=title,
            xaxis_title=f"time / {unit}",
            yaxis_title="fraction of substrate units",
            template="plotly_white",
        )
        # plotly.js is written once beside the page from the installed package: no CDN
        fig.write_html(str(tmp), include_plotlyjs="directory", full_html=True)
        tmp.replace(path)
        return path
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=120)
    for i, label in enumerate(o.labels):
        ax.plot(t, o.fractions[:, i], label=label, lw=2)
    ax.set_xlabel(f"time / {unit}")
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
