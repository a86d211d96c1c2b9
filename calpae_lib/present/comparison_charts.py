"""Charts of a comparison across years, in the style of :mod:`calpae_lib.present.charts`."""

from __future__ import annotations

from matplotlib.figure import Figure

from calpae_lib.analysis import comparison
from calpae_lib.present import charts, views
from calpae_lib.text.formatting import format_eur, is_missing

#: Years from light to dark: ordered, and distinct when printed in grey.
YEAR_PALETTE = ("#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c", "#08306b")


def year_colours(years: list[int]) -> dict[int, str]:
    """Colours spread over the palette, the most recent year darkest.

    >>> year_colours([2021, 2022])
    {2021: '#c6dbef', 2022: '#08306b'}
    """
    last = len(YEAR_PALETTE) - 1
    steps = max(len(years) - 1, 1)
    return {year: YEAR_PALETTE[round(i * last / steps) if len(years) > 1 else last]
            for i, year in enumerate(years)}


def money_by_year_chart(reports) -> charts.Chart | None:
    """Prévu and engagé per volet (both financeurs), one bar per year, side by side."""
    years = comparison.years(reports)
    if len(years) < 2:
        return None
    money = comparison.money_by_year(reports)
    totals = money.groupby(["stage", "volet"], sort=False)[years].sum(min_count=1)
    volets = list(dict.fromkeys(money["volet"]))
    figure = Figure(figsize=(charts.WIDTH_INCHES, 4.2), layout="constrained")
    panels = figure.subplots(1, 2, sharey=True)
    width = 0.8 / len(years)
    for axes, stage in zip(panels, ("prevu", "engage")):
        for i, year in enumerate(years):
            values = [totals[year].get((stage, v), float("nan")) for v in volets]
            positions = [p - 0.4 + width * (i + 0.5) for p in range(len(volets))]
            axes.bar(positions, [0 if is_missing(v) else v for v in values], width=width,
                     color=year_colours(years)[year], edgecolor="#333333", linewidth=0.4, label=str(year))
        axes.set_xticks(range(len(volets)), [charts.short_label(views.VOLET_LABELS.get(v, v), 16)
                                              for v in volets], fontsize=charts.FONT_SIZE - 1)
        axes.set_title(views.STAGE_LABELS[stage], fontsize=charts.FONT_SIZE + 1, loc="left")
        charts.euro_axis(axes.yaxis)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
    panels[0].set_ylabel("Montant, État et Département (€)", fontsize=charts.FONT_SIZE)
    panels[1].legend(title="Exercice", fontsize=charts.FONT_SIZE - 1, frameon=False)
    title = f"Montants par volet, {years[0]}–{years[-1]}"
    charts.chart_title(figure, title)
    total_last = money[money["stage"] == "prevu"][years[-1]].sum()
    return charts.Chart(figure, alt=f"{title} (prévu {years[-1]} : {format_eur(total_last)})")
