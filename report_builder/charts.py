"""The paper's pictures: rating distribution over the periods and the likelihood × impact heat map (PNG)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from report_builder.content import Distribution, HeatPoint
from workbook.core.schema import RATINGS

DPI = 200  # print resolution
FONT = "DejaVu Sans"  # ships with matplotlib, so every machine draws the same picture
MIN_BAR_SLOTS = 4
CELL_LABELS = 10  # labels one matrix cell can hold; more are summed up as '+N more'
LABELLED_RISKS = 60  # a larger register's heat map counts the risks in each cell instead of naming them


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    plt.rcdefaults()
    plt.rcParams.update({"font.family": FONT, "font.size": 9, "svg.hashsalt": "riskreg",
                         "axes.spines.top": False, "axes.spines.right": False})
    return plt


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    # No Software/date metadata: the same content gives the same bytes.
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def rating_distribution(distribution: Sequence[Distribution], width_cm: float = 15.0) -> bytes:
    """Return a stacked bar chart of how many risks held each rating, one bar per period, as PNG."""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(width_cm / 2.54, width_cm / 2.54 * 0.5))
    try:
        labels = [d.period for d in distribution]
        bottoms = [0] * len(labels)
        for rating in reversed(RATINGS):  # least severe at the bottom, Critical on top
            values = [int(d.counts.get(rating.name, 0)) for d in distribution]
            bars = axes.bar(labels, values, bottom=bottoms, color=f"#{rating.fill}", label=rating.name,
                            width=0.55, edgecolor="white", linewidth=0.6)
            for bar, value, bottom in zip(bars, values, bottoms):
                if value:
                    axes.text(bar.get_x() + bar.get_width() / 2, bottom + value / 2, str(value), ha="center",
                              va="center", color=f"#{rating.font}", fontsize=8, fontweight="bold")
            bottoms = [b + v for b, v in zip(bottoms, values)]
        # Room for four bars at least, so a register with one quarter of history does not draw a slab.
        spare = max(0, MIN_BAR_SLOTS - len(labels)) / 2
        axes.set_xlim(-0.5 - spare, len(labels) - 0.5 + spare)
        axes.set_ylabel("Open risks")
        axes.set_ylim(0, max(bottoms + [1]) * 1.1)
        axes.yaxis.get_major_locator().set_params(integer=True)
        handles, names = axes.get_legend_handles_labels()
        axes.legend(handles[::-1], names[::-1], title="Residual rating", loc="upper left",
                    bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8, title_fontsize=8)
        figure.tight_layout()
        return _png(figure)
    finally:
        plt.close(figure)


def _zone_colour(likelihood: int, impact: int, scale: int) -> str:
    """Shade a matrix cell by its score band, using the register's rating colours."""
    share = likelihood * impact / (scale * scale)
    bands = ((0.6, RATINGS[0]), (0.35, RATINGS[1]), (0.15, RATINGS[2]))
    for limit, rating in bands:
        if share >= limit:
            return f"#{rating.fill}"
    return f"#{RATINGS[-1].fill}"


def _count_cells(axes, points: Sequence[HeatPoint]) -> None:
    """Write how many risks stand in each cell: hundreds of names would hide the matrix."""
    counts: dict[tuple[int, int], int] = {}
    for point in points:
        counts[point.after] = counts.get(point.after, 0) + 1
    for (likelihood, impact), count in sorted(counts.items()):
        axes.text(likelihood, impact, str(count), ha="center", va="center", fontsize=11, fontweight="bold",
                  color="#1F2A44")


def _label_risks(axes, points: Sequence[HeatPoint]) -> None:
    """Name each risk in its cell, with an arrow from where it stood last quarter."""
    # Risks sharing a cell stand in two columns from the top of the cell down, so every label stays readable.
    cells: dict[tuple[int, int], list[HeatPoint]] = {}
    for point in points:
        cells.setdefault(point.after, []).append(point)
    placed: dict[str, tuple[float, float]] = {}
    for (likelihood, impact), group in sorted(cells.items()):
        group = sorted(group, key=lambda p: p.risk_id)
        shown = group if len(group) <= CELL_LABELS else group[:CELL_LABELS - 1]
        for index, point in enumerate(shown):
            dx = 0.0 if len(group) == 1 else (-0.22 if index % 2 == 0 else 0.22)
            placed[point.risk_id] = (likelihood + dx, impact + 0.36 - (index // 2) * 0.17)
        if len(shown) < len(group):
            axes.text(likelihood + 0.22, impact + 0.36 - ((CELL_LABELS - 1) // 2) * 0.17,
                      f"+{len(group) - len(shown)} more", ha="center", va="center", fontsize=6)
    for point in sorted(points, key=lambda p: p.risk_id):
        if point.risk_id not in placed:
            continue
        x, y = placed[point.risk_id]
        if point.before and point.before != point.after:
            axes.annotate("", xy=(x, y), xytext=point.before,
                          arrowprops={"arrowstyle": "-|>", "color": "#1F2A44", "lw": 1.3, "mutation_scale": 11,
                                      "shrinkA": 0, "shrinkB": 9})
            axes.plot(*point.before, marker="o", markersize=3, color="#1F2A44")
        axes.text(x, y, point.risk_id, ha="center", va="center", fontsize=6,
                  bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "#1F2A44",
                        "linewidth": 0.5})


def heat_map(points: Sequence[HeatPoint], scale: int, width_cm: float = 12.0) -> bytes:
    """Return the likelihood × impact matrix with each risk in its cell and an arrow for each move, as PNG."""
    plt = _pyplot()
    size = width_cm / 2.54
    figure, axes = plt.subplots(figsize=(size, size * 0.9))
    try:
        for likelihood in range(1, scale + 1):
            for impact in range(1, scale + 1):
                axes.add_patch(plt.Rectangle((likelihood - 0.5, impact - 0.5), 1, 1, alpha=0.35,
                                             facecolor=_zone_colour(likelihood, impact, scale),
                                             edgecolor="white", linewidth=1.5))
        if len(points) > LABELLED_RISKS:
            _count_cells(axes, points)
        else:
            _label_risks(axes, points)
        axes.set_xlim(0.5, scale + 0.5)
        axes.set_ylim(0.5, scale + 0.5)
        axes.set_xticks(range(1, scale + 1))
        axes.set_yticks(range(1, scale + 1))
        axes.set_xlabel("Likelihood")
        axes.set_ylabel("Impact")
        axes.set_aspect("equal")
        figure.tight_layout()
        return _png(figure)
    finally:
        plt.close(figure)
