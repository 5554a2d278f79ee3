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


def check_path(path: str | Path, formats=_FORMATS, field: str = "plot") -> Path:
    """``path`` if a picture can be written there; checked before any simulation runs."""
    import os

    path = Path(path)
    if path.suffix.lower() not in formats:
        raise InvalidInput(
            f"cannot write a picture as {path.name[:60]!r}",
            field=field,
            fix=f"end the file name in {', '.join(formats)}",
        )
    if len(str(path).encode()) > 1024 or any(len(p.encode()) > 200 for p in path.parts):
        raise InvalidInput(
            "the file name or a folder in it is too long", field=field, fix="use a shorter path"
        )
    parent = path.parent if str(path.parent) else Path(".")
    try:
        if path.is_dir():
            raise InvalidInput(f"{path} is a folder", field=field, fix="give a file name")
        part = path.with_name(path.name + ".part")
        if part.exists() and not part.is_file():
            raise InvalidInput(f"{part} is in the way", field=field, fix="remove it")
        if not parent.is_dir():
            raise InvalidInput(
                f"folder {parent} does not exist", field=field, fix="create it or pick another"
            )
        resolved = str(parent.resolve())
    except OSError as exc:
        raise InvalidInput(
            f"cannot use {str(path)[:80]}: {exc.strerror or exc}", field=field
        ) from None
    if not os.access(parent, os.W_OK) or resolved.startswith(("/proc", "/sys")):
        raise InvalidInput(f"cannot write in {parent}", field=field, fix="pick another folder")
    return path


def _checked(path: str | Path) -> tuple[Path, str]:
    path = check_path(path)
    return path, path.suffix.lower()


def commit(write, path: Path, field: str = "plot") -> Path:
    """``write(tmp)`` to ``path``.part, then rename: a failed write leaves nothing behind."""
    tmp = path.with_name(path.name + ".part")
    try:
        write(tmp)
        tmp.replace(path)
    except OSError as exc:
        raise InvalidInput(
            f"cannot write {path}: {exc.strerror or exc}", field=field, fix="pick another place"
        ) from None
    finally:
        if tmp.is_file():  # after a failure; after success it is already renamed
            tmp.unlink()
    return path


def write(result, path: str | Path) -> Path:
    """The picture of ``result`` (its family's plot) at ``path``."""
    try:
        writer = _WRITERS[result.kind]
    except KeyError:
        raise InvalidInput(
            f"there is no plot for a {result.kind} run yet", field="plot", fix="leave --plot out"
        ) from None
    return writer(result, path)


def can_plot(kind: str) -> bool:
    return kind in _WRITERS


def _pyplot():
    """matplotlib's pyplot on the file-only Agg backend (no display needed)."""
    import os

    # a broken MPLBACKEND in the user's environment must not stop a file-only plot
    os.environ.pop("MPLBACKEND", None)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save_pyplot(fig, path: Path) -> Path:
    """Write through a .part file so a failed save leaves nothing half-written."""
    import matplotlib.pyplot as plt

    try:
        return commit(lambda tmp: fig.savefig(tmp, format=path.suffix.lower()[1:]), path)
    finally:
        plt.close(fig)


def _save_plotly(fig, path: Path) -> Path:
    """HTML with plotly.js written once beside the page from the installed package: no CDN."""
    return commit(
        lambda tmp: fig.write_html(str(tmp), include_plotlyjs="directory", full_html=True), path
    )


def write_time_course(result, path: str | Path) -> Path:
    """Write species fractions over time to ``path`` (.png, .svg or .html)."""
    path, suffix = _checked(path)
    o = result.outcome
    t, unit = _time_axis(o.time)
    sc = result.scenario
    title = f"{sc.substrate} + {sc.eq:g} eq {sc.electrophile}"
    for what in ("acid", "base"):
        if getattr(sc, what):
            title += f", {getattr(sc, f'{what}_eq'):g} eq {getattr(sc, what)}"
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
        return _save_plotly(fig, path)
    plt = _pyplot()

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
    return _save_pyplot(fig, path)


def write_comparison(comparison, path: str | Path) -> Path:
    """Final split per protocol (bars) and mono yield vs electrophile eq (curves)."""
    path, suffix = _checked(path)
    ranked = comparison.ranked
    labels = [r.label for r in ranked]
    parts = {
        "SM left": [r.sm_left for r in ranked],
        "mono": [r.mono_yield_on_substrate for r in ranked],
        "bis": [r.bis for r in ranked],
    }
    other = [max(0.0, 1.0 - sum(p[i] for p in parts.values())) for i in range(len(ranked))]
    if any(v > 1e-3 for v in other):  # linkers: rings and oligomer; protect-first: losses
        parts["other"] = other
    c = comparison.conditions
    title = f"{c.substrate} + {c.eq:g} eq {c.electrophile}: protocols compared"
    ylab = f"mono yield on {c.precious}"
    if suffix == ".html":
        import plotly.graph_objects as go
        from plotly.subplots import make_subplots

        fig = make_subplots(rows=1, cols=2, subplot_titles=("final split (of diamine)", ylab))
        for name, values in parts.items():
            fig.add_trace(go.Bar(x=labels, y=values, name=name), 1, 1)
        for r in ranked:
            if r.curve_eq:
                fig.add_trace(
                    go.Scatter(x=r.curve_eq, y=r.curve_mono_yield, mode="lines", name=r.label),
                    1,
                    2,
                )
        fig.update_layout(barmode="stack", title=title, template="plotly_white")
        fig.update_xaxes(title_text="electrophile eq per diamine", row=1, col=2)
        return _save_plotly(fig, path)
    plt = _pyplot()
    import numpy as np

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.6), dpi=120)
    bottom = np.zeros(len(ranked))
    for name, values in parts.items():
        ax1.bar(labels, values, bottom=bottom, label=name)
        bottom += np.asarray(values)
    ax1.set_ylabel("fraction of the diamine charged")
    ax1.set_title("final split", pad=22)
    ax1.tick_params(axis="x", rotation=30, labelsize=8)
    for tick in ax1.get_xticklabels():
        tick.set_horizontalalignment("right")
    # above the bars, so no bar hides behind it
    ax1.legend(frameon=False, fontsize=8, ncol=4, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    for r in ranked:
        if r.curve_eq:
            ax2.plot(r.curve_eq, r.curve_mono_yield, lw=2, label=r.label)
    ax2.axvline(c.eq, color="grey", lw=0.8, ls=":")
    ax2.set_xlabel("electrophile eq per diamine")
    ax2.set_ylabel(ylab)
    ax2.set_ylim(0, 1.02)
    ax2.grid(alpha=0.3)
    if any(r.curve_eq for r in ranked):
        ax2.legend(frameon=False, fontsize=8)
    else:  # linker variants: no equivalents sweep
        ax2.text(0.5, 0.5, "no equivalents sweep for linkers", ha="center", transform=ax2.transAxes)
    fig.suptitle(title)
    fig.tight_layout()
    return _save_pyplot(fig, path)


def write_linker(result, path: str | Path) -> Path:
    """Diamine units by category over time for a linker run (.png, .svg or .html)."""
    import numpy as np

    path, suffix = _checked(path)
    t, unit = _time_axis(result.time)
    series = {result.category_names[name]: [] for name in result.by_category(0)}
    for i in range(len(result.time)):
        for name, v in result.by_category(i).items():
            series[result.category_names[name]].append(v)
    s = result.scenario
    title = f"{s.substrate} + {s.eq:g} eq {s.electrophile} (linker)"
    if suffix == ".html":
        import plotly.graph_objects as go

        fig = go.Figure()
        for name, ys in series.items():
            fig.add_trace(go.Scatter(x=t, y=ys, mode="lines", name=name))
        fig.update_layout(
            title=title,
            xaxis_title=f"time / {unit}",
            yaxis_title="fraction of diamine units",
            template="plotly_white",
        )
        return _save_plotly(fig, path)
    plt = _pyplot()

    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=120)
    for name, ys in series.items():
        ax.plot(t, np.asarray(ys), label=name, lw=2)
    ax.set_xlabel(f"time / {unit}")
    ax.set_ylabel("fraction of diamine units")
    ax.set_ylim(-0.02, 1.02)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return _save_pyplot(fig, path)


def write_mixing(report, path: str | Path) -> Path:
    """Mono yield with the feed zone vs stirring power, with the ideal-mixing line."""
    path, suffix = _checked(path)
    eps = [p.eps for p in report.stirring]
    mono = [p.mono for p in report.stirring]
    s = report.scenario
    title = (
        f"{s.substrate} + {s.eq:g} eq {s.electrophile}, fed over {s.addition_seconds() / 3600:g} h"
    )
    if suffix == ".html":
        import plotly.graph_objects as go

        fig = go.Figure()
        fig.add_trace(go.Scatter(x=eps, y=mono, mode="lines+markers", name="engulfment model"))
        fig.add_trace(
            go.Scatter(
                x=[p.eps for p in report.scale],
                y=[p.mono for p in report.scale],
                mode="markers+text",
                text=[p.label for p in report.scale],
                name="vessels",
            )
        )
        fig.add_hline(y=report.ideal.mono, line_dash="dot", annotation_text="ideal mixing")
        fig.update_xaxes(type="log", title_text="power per mass at the feed point / W/kg")
        fig.update_yaxes(title_text="mono yield on diamine", range=[0, 1])
        fig.update_layout(title=title, template="plotly_white")
        return _save_plotly(fig, path)
    plt = _pyplot()

    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=120)
    ax.semilogx(eps, mono, "o-", lw=2, label="engulfment model")
    for p in report.scale:
        ax.plot([p.eps], [p.mono], "s", color="tab:red")
        ax.annotate(
            p.label, (p.eps, p.mono), textcoords="offset points", xytext=(4, -12), fontsize=8
        )
    ax.axhline(report.ideal.mono, ls=":", color="grey", label="ideal mixing")
    ax.set_xlabel("power per mass at the feed point / W/kg")
    ax.set_ylabel("mono yield on diamine")
    ax.set_ylim(0, 1.02)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(frameon=False)
    fig.tight_layout()
    return _save_pyplot(fig, path)


_WRITERS = {"site": write_time_course, "linker": write_linker, "mixing": write_mixing}
