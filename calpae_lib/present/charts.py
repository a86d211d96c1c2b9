"""Charts of the reports: matplotlib figures with French titles, labels and numbers.

Every chart has a title, axis labels with their unit and French number
formats on its axes, in colours that stay distinct when printed in grey.
Figures are built without pyplot (no global state) and wrapped in
:class:`Chart`, which notebooks display as an embedded PNG with a text
alternative.
"""

from __future__ import annotations

import base64
import io
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator
import pandas as pd
from PIL import Image

from calpae_lib.analysis import budget
from calpae_lib.present import views
from calpae_lib.present.orientation import of_year, repeated_rates
from calpae_lib.text.formatting import format_eur, format_number, format_percent, is_missing
from calpae_lib.text.numbers import percentage

if TYPE_CHECKING:  # for the annotations only
    from calpae_lib.pipeline import ParsedReport

#: Prévu light, engagé dark: distinguishable in colour and in grey.
STAGE_COLOURS = {"prevu": "#9ecae1", "engage": "#08519c"}
TARGET_COLOUR = "#d95f02"
DPI = 150
WIDTH_INCHES = 9.0
#: Pixel width at which the PNG is shown (it is drawn at DPI for print): every chart, drawn at
#: WIDTH_INCHES, has its text at one size on screen.
DISPLAY_WIDTH = 860
PNG_COMPRESSION = 3
FONT_SIZE = 10
#: Titles and labels come from the report: drawn as printed, never read as TeX (``$\\alert$``).
matplotlib.rcParams["text.parse_math"] = False


@dataclass
class Chart:
    """A finished figure: shows as a PNG (with an ``alt`` text) in notebooks and HTML."""

    figure: Figure
    alt: str

    def png(self) -> bytes:
        """The chart drawn once at :data:`DPI` on white, as an RGB PNG.

        The figure's own size: its constrained layout already keeps every label and the title
        inside it, so nothing is cropped. Drawn by its canvas rather than ``savefig``, which
        draws a figure with a layout twice (once to place it, once to paint it: the same pixels,
        measured), and without the alpha channel, which is opaque white everywhere. No text
        chunk ("Software: Matplotlib version…"): the same chart gives the same bytes. zlib level 3:
        a third faster than the default for a few per cent more bytes.
        """
        self.figure.set_dpi(DPI)
        self.figure.set_facecolor("white")
        canvas = FigureCanvasAgg(self.figure)
        canvas.draw()
        width, height = canvas.get_width_height()
        image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format="png", compress_level=PNG_COMPRESSION)
        return buffer.getvalue()

    def _repr_mimebundle_(self, include=None, exclude=None):
        png = self.png()
        data = {"image/png": base64.b64encode(png).decode("ascii"), "text/plain": self.alt}
        return data, {"image/png": {"width": DISPLAY_WIDTH, "alt": self.alt}}

    def __repr__(self) -> str:
        return f"<Graphique : {self.alt}>"


def chart_title(figure, title: str) -> None:
    """The chart's title at the figure's left edge, wrapped so that it never runs past the figure
    (an axes title starts where the plot does, after the labels, and is not kept inside by the layout)."""
    figure.suptitle("\n".join(textwrap.wrap(title, TITLE_WIDTH)), fontsize=FONT_SIZE + 2, x=0.01, ha="left")


#: Characters of a title's line.
TITLE_WIDTH = 70


def legend_below(figure, handles=None, labels=None) -> None:
    """The figure's legend under the plot, outside it: it never covers a bar, a point or the title."""
    if handles is None:
        handles, labels = [], []
        for axes in figure.axes:
            for handle, label in zip(*axes.get_legend_handles_labels()):
                if label not in labels:
                    handles.append(handle)
                    labels.append(label)
    if handles:
        legend = figure.legend(handles, labels, loc="outside lower left", ncol=3, fontsize=FONT_SIZE - 1,
                               frameon=False)
        for mark in legend.legend_handles:  # a mark drawn large on the plot is one line high here
            if isinstance(mark, PathCollection):
                mark.set_sizes([min(size, LEGEND_MARK_SIZE) for size in mark.get_sizes()])


#: Largest area (points²) of a scatter mark in a legend: about a line of its text.
LEGEND_MARK_SIZE = 100


def new_figure(rows: int = 1, height: float | None = None) -> tuple[Figure, object]:
    height = height if height is not None else max(2.6, 0.45 * rows + 1.4)
    figure = Figure(figsize=(WIDTH_INCHES, height), layout="constrained")
    axes = figure.add_subplot()
    axes.tick_params(labelsize=FONT_SIZE)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return figure, axes


def euro_axis(axis) -> None:
    """Ticks in euros, French style ("1 200 000")."""
    axis.set_major_formatter(FuncFormatter(lambda value, _: format_number(value)))
    axis.set_major_locator(MaxNLocator(nbins=6))


def percent_axis(axis) -> None:
    axis.set_major_formatter(FuncFormatter(lambda value, _: format_percent(value)))


def short_label(text: str, width: int = 42, lines: int = 2) -> str:
    """A long label wrapped on at most ``lines`` lines, cut with an ellipsis.

    >>> short_label("Accompagnement socio-professionnel des bénéficiaires du RSA", 30)
    'Accompagnement socio-\\nprofessionnel des…'
    """
    wrapped = textwrap.wrap(" ".join(str(text).split()), width)
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1].rstrip(" ,;:.") + "…"
    return "\n".join(wrapped)


#: The engagé the annex gives where a sheet prints none: the engagé's colour, hatched.
ANNEX_HATCH = "///"
ANNEX_LABEL = "engagé complété par l'annexe (fiche sans engagé)"


def engage_text(row) -> str:
    """What an engagé bar says, as its table's line does: the sheets' engagé, the annex's completion, what is missing.

    ``row`` is a line of :func:`~calpae_lib.analysis.budget.summarise_budget`.
    """
    if is_missing(row.engage):
        return views.NOT_PRINTED + (f" ; {format_eur(row.engage_annexe)} d'après l'annexe" if row.completees else "")
    text = format_eur(row.engage)
    if row.completees:
        text += f" + {format_eur(row.engage_annexe)} d'après l'annexe"
    left = row.engage_manquant - row.completees
    if left:
        text += f" ; engagé non renseigné sur {left} fiche{'s' if left > 1 else ''}"
    return text


def prevu_engage_chart(labels, summary, title: str) -> Chart:
    """Horizontal bars, prévu against engagé per line of ``summary`` (:func:`budget.summarise_budget`).

    The engagé is drawn as its table shows it: the sheets' engagé solid, the
    annex's completion hatched after it, and a missing engagé written, not drawn.
    """
    labels, rows = list(labels), list(summary.itertuples())
    figure, axes = new_figure(rows=2 * len(labels))
    positions = range(len(labels))
    height = 0.38
    printed = [0.0 if is_missing(r.engage) else float(r.engage) for r in rows]
    annexed = [float(r.engage_annexe) if r.completees and not is_missing(r.engage_annexe) else 0.0 for r in rows]
    prevu = [0.0 if is_missing(r.prevu) else float(r.prevu) for r in rows]
    top = max([p for p in prevu] + [e + a for e, a in zip(printed, annexed)] + [1])
    style = {"height": height, "edgecolor": "#333333", "linewidth": 0.4}
    ys_prevu, ys_engage = [p - height / 2 for p in positions], [p + height / 2 for p in positions]
    axes.barh(ys_prevu, prevu, color=STAGE_COLOURS["prevu"], label=views.STAGE_LABELS["prevu"], **style)
    axes.barh(ys_engage, printed, color=STAGE_COLOURS["engage"], label=views.STAGE_LABELS["engage"], **style)
    if any(annexed):
        axes.barh(ys_engage, annexed, left=printed, color="white", hatch=ANNEX_HATCH, label=ANNEX_LABEL,
                  **{**style, "edgecolor": STAGE_COLOURS["engage"]})
    for y, row, value in zip(ys_prevu, rows, prevu):
        axes.text(value + top * 0.01, y, format_eur(row.prevu, missing=views.NOT_PRINTED), va="center",
                  fontsize=FONT_SIZE - 1, color="#222222")
    for y, row, e, a in zip(ys_engage, rows, printed, annexed):
        axes.text(e + a + top * 0.01, y, engage_text(row), va="center", fontsize=FONT_SIZE - 1, color="#222222")
    axes.set_yticks(list(positions), [short_label(label) for label in labels])
    axes.invert_yaxis()
    axes.set_xlim(0, top * 1.9 if any(annexed) or any(r.engage_manquant for r in rows) else top * 1.25)
    euro_axis(axes.xaxis)
    axes.set_xlabel("Montant (€)", fontsize=FONT_SIZE)
    chart_title(figure, title)
    legend_below(figure)
    return Chart(figure, alt=data_alt(title, [
        f"{label} : prévu {format_eur(row.prevu, missing=views.NOT_PRINTED)}, engagé {engage_text(row)}"
        for label, row in zip(labels, rows)]))


def data_alt(title: str, lines: list[str]) -> str:
    """A chart's text alternative: its title, then the data it draws, one item a line (read as sentences).

    >>> data_alt("Budget", ["État : prévu 1 €", "Département : prévu 2 €"])
    'Budget. État : prévu 1 € ; Département : prévu 2 €.'
    """
    return f"{title}. " + " ; ".join(" ".join(line.split()) for line in lines) + "."


def volet_budget_chart(report: ParsedReport) -> Chart | None:
    """Prévu against engagé per volet and financeur, for the whole convention."""
    summary = budget.budget_by_volet(report)
    if summary.empty:
        return None
    labels = [f"{views.VOLET_LABELS.get(v, v)} — {views.FINANCEUR_LABELS.get(f, f)}"
              for v, f in zip(summary["volet"], summary["financeur"])]
    title = f"Budget {report.meta.year} par volet et financeur : prévu et engagé"
    return prevu_engage_chart(labels, summary, title)


def axis_budget_chart(report: ParsedReport, key: str) -> Chart | None:
    """Prévu against engagé per action (both financeurs together) of one axis."""
    rows = budget.budget_by_axis(report, key)
    if rows.empty:
        return None
    summary = budget.summarise_budget(rows, ["number", "title"])
    labels = [f"{n}. {t}" for n, t in zip(summary["number"], summary["title"])]
    title = f"{views.axis_label(key)} : prévu et engagé par action en {report.meta.year} (État + Département)"
    return prevu_engage_chart(labels, summary, title)


def execution_rate_chart(report: ParsedReport, key: str) -> Chart | None:
    """Taux d'exécution per action and financeur of one axis, against the 100 % line.

    As its table: the sheets' rate solid; where a sheet prints no engagé, the
    rate the annex gives hatched, and said so (or « non renseigné » alone).
    """
    rows = budget.budget_by_axis(report, key)
    rows = rows[rows["prevu"].notna()].assign(
        annexe=[percentage(a, p) if pd.isna(t) else None
                for t, a, p in zip(rows["taux"], rows["engage_annexe"], rows["prevu"])])
    if rows["taux"].isna().all() and rows["annexe"].isna().all():
        return None
    figure, axes = new_figure(rows=len(rows))
    labels = [f"{n}. {short_label(t, 36, 1)} — {views.FINANCEUR_LABELS.get(f, f)}"
              for n, t, f in zip(rows["number"], rows["title"], rows["financeur"])]
    sheets = [0.0 if is_missing(r) else r for r in rows["taux"]]
    annexed = [0.0 if is_missing(r) else r for r in rows["annexe"]]
    top = max(sheets + annexed + [100])
    axes.barh(range(len(rows)), sheets, color=STAGE_COLOURS["engage"], height=0.6)
    if any(annexed):
        axes.barh(range(len(rows)), annexed, color="white", hatch=ANNEX_HATCH, edgecolor=STAGE_COLOURS["engage"],
                  height=0.6, label="taux d'après l'annexe (fiche sans engagé)")
    texts = [format_percent(rate) if not is_missing(rate) else
             f"{views.NOT_PRINTED} ; d'après l'annexe : {format_percent(annex)}" if not is_missing(annex)
             else views.NOT_PRINTED for rate, annex in zip(rows["taux"], rows["annexe"])]
    for y, text in enumerate(texts):
        axes.text(max(sheets[y], annexed[y]) + top * 0.02, y, text, va="center", fontsize=FONT_SIZE - 1)
    axes.axvline(100, color=TARGET_COLOUR, linestyle="--", linewidth=1.2, label="100 % du prévu")
    axes.set_yticks(range(len(rows)), labels)
    axes.invert_yaxis()
    axes.set_xlim(0, top * (1.6 if rows["taux"].isna().any() else 1.15))
    percent_axis(axes.xaxis)
    axes.set_xlabel("Engagé en pourcentage du prévu (%)", fontsize=FONT_SIZE)
    title = f"{views.axis_label(key)} : taux d'exécution {report.meta.year} par action et financeur"
    chart_title(figure, title)
    legend_below(figure)
    return Chart(figure, alt=data_alt(title, [f"{label} : {text}" for label, text in zip(labels, texts)]))


def series_chart(series: dict, title: str, ylabel: str, targets: dict | None = None,
                 percent: bool = True) -> Chart:
    """Values over the years, one line per series; targets as wide dashes of the series' colour.

    ``series`` and ``targets`` map a label to ``{year: value}``; a target whose
    label is a series' label takes that series' colour. Missing years are gaps.
    """
    figure, axes = new_figure(height=4.6)
    markers = "osD^v<>"
    targets = targets or {}
    years = sorted({y for values in list(series.values()) + list(targets.values()) for y in values})
    colours = {}
    for i, (label, values) in enumerate(series.items()):
        xs = [y for y in years if y in values and values[y] is not None and values[y] == values[y]]
        line, = axes.plot(xs, [values[y] for y in xs], marker=markers[i % len(markers)], label=label)
        colours[label] = line.get_color()
    for label, values in targets.items():
        xs = sorted(y for y in values if values[y] is not None and values[y] == values[y])
        axes.scatter(xs, [values[y] for y in xs], marker="_", s=700, linewidths=2.5,
                     color=colours.get(label, TARGET_COLOUR), zorder=3,
                     label=None if label in colours else label)
    axes.set_xticks(years, [str(y) for y in years])
    axes.set_xlim(years[0] - 0.4, years[-1] + 0.4)
    if percent:
        percent_axis(axes.yaxis)
    else:  # a quantity (a délai) starts from zero, so that a change is not exaggerated
        axes.set_ylim(bottom=0, top=max([v for values in list(series.values()) + list(targets.values())
                                          for v in values.values() if v == v and v is not None] + [1]) * 1.15)
        axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: format_number(value)))
    axes.set_xlabel("Année", fontsize=FONT_SIZE)
    axes.set_ylabel(ylabel, fontsize=FONT_SIZE)
    chart_title(figure, title)
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)
    legend_below(figure)
    return Chart(figure, alt=title)


REPEATED_COLOUR = "#b2182b"
REPEATED_LABEL = "taux calculé sur une valeur recopiée d'une autre étape"


def orientation_year_chart(chain) -> Chart | None:
    """The report year's rates of the chain, each over its own base, with the Département's objective.

    Not a funnel: the steps are not subsets of one another (first appointments
    count people oriented late too), so each rate is drawn on its own line,
    0 to 100 %, with its two counts written beside it.
    """
    rates = of_year(chain.rates, chain.report_year).dropna(subset=["rate"])
    if rates.empty:
        return None
    repeated = repeated_rates(chain)
    figure, axes = new_figure(rows=len(rates) * 1.3)
    ys = list(range(len(rates)))
    flags = [(r.rate_id, str(r.period), r.kind) in repeated for r in rates.itertuples()]
    axes.barh(ys, list(rates["rate"]), height=0.55, color=[REPEATED_COLOUR if f else STAGE_COLOURS["engage"]
                                                            for f in flags])
    for y, row, flag in zip(ys, rates.itertuples(), flags):
        text = (f"{format_percent(row.rate)} ({format_number(row.numerator_value)} sur "
                f"{format_number(row.denominator_value)})" + (" : valeur recopiée" if flag else ""))
        axes.text(104, y, text, va="center", fontsize=FONT_SIZE - 1)  # beside the 100 % line: clear of the marks
    targets = [(y, t) for y, t in zip(ys, rates["target_rate"]) if t == t and t is not None]
    if targets:
        axes.scatter([t for _, t in targets], [y for y, _ in targets], marker="|", s=900, linewidths=2.5,
                     color=TARGET_COLOUR, zorder=3, label="objectif départemental de l'année")
    if any(flags):
        axes.barh([], [], color=REPEATED_COLOUR, label=REPEATED_LABEL)
    legend_below(figure)
    labels = [short_label(label[:1].upper() + label[1:], 40) for label in rates["label"]]
    axes.set_yticks(ys, labels)
    axes.invert_yaxis()
    axes.set_xlim(0, 150)
    axes.set_xticks([0, 25, 50, 75, 100])
    percent_axis(axes.xaxis)
    axes.set_xlabel("Taux (%) : chaque étape rapportée à sa propre base", fontsize=FONT_SIZE)
    chart_title(figure, f"Taux de la chaîne d'orientation des nouveaux entrants au RSA en {chain.report_year}")
    return Chart(figure, alt=f"Taux de la chaîne d'orientation en {chain.report_year}, chacun sur sa base")


def orientation_rates_chart(chain) -> Chart | None:
    """Each rate of the chain over the years in its own panel, with the year's objective.

    One panel per rate, so that lines never cross and objectives at 100 % do
    not hide behind each other; a rate that rests on repeated values is drawn
    hollow and red.
    """
    rates = chain.rates.dropna(subset=["rate"])
    results = rates[rates["kind"] == "result"]
    if results.empty:
        return None
    repeated = repeated_rates(chain)
    groups = list(results.groupby("rate_id", sort=False))
    columns = min(3, len(groups))
    rows = -(-len(groups) // columns)
    figure = Figure(figsize=(WIDTH_INCHES, 2.7 * rows + 0.8), layout="constrained")
    panels = figure.subplots(rows, columns, sharey=True, squeeze=False).ravel()
    years = sorted({int(p) for p in results["period"]})
    for panel, (rate_id, group) in zip(panels, groups):
        xs, ys = [int(p) for p in group["period"]], list(group["rate"])
        panel.plot(xs, ys, color=STAGE_COLOURS["engage"], marker="o", label="taux constaté")
        flagged = [(x, y) for x, y, p in zip(xs, ys, group["period"]) if (rate_id, str(p), "result") in repeated]
        if flagged:
            panel.scatter(*zip(*flagged), s=90, facecolors="white", edgecolors=REPEATED_COLOUR, linewidths=2,
                          zorder=4, label=REPEATED_LABEL)
        targets = group.dropna(subset=["target_rate"])
        if not targets.empty:
            panel.scatter([int(p) for p in targets["period"]], targets["target_rate"], marker="_", s=500,
                          linewidths=2.5, color=TARGET_COLOUR, zorder=3, label="objectif départemental")
        label = group["label"].iloc[0]
        panel.set_title(short_label(label[:1].upper() + label[1:], 34), fontsize=FONT_SIZE, loc="left")
        panel.set_xticks(years, [str(y) for y in years])
        panel.set_xlim(years[0] - 0.5, years[-1] + 0.5)
        panel.set_ylim(0, 108)
        panel.tick_params(labelsize=FONT_SIZE - 1)
        panel.grid(axis="y", color="#dddddd", linewidth=0.6)
        percent_axis(panel.yaxis)
        for side in ("top", "right"):
            panel.spines[side].set_visible(False)
    for panel in panels[len(groups):]:
        panel.set_visible(False)
    legend_below(figure)
    chart_title(figure, "Taux de la chaîne d'orientation par année")
    return Chart(figure, alt="Taux de la chaîne d'orientation par année, un graphique par taux")


def global_delay_chart(chain) -> Chart | None:
    """The accompagnement global's average start delay over the years, with the year's target."""
    delays = chain.global_delay[chain.global_delay["status"] == "ok"]
    results = delays[delays["kind"] == "result"]
    if results.empty:
        return None
    targets = delays[delays["kind"] == "target"]
    return series_chart({"délai moyen constaté": {int(p): v for p, v in zip(results["period"], results["value"])}},
                        "Délai moyen de démarrage de l'accompagnement global", "Délai (jours)",
                        targets={"objectif de l'année": {int(p): v for p, v in zip(targets["period"], targets["value"])}},
                        percent=False)
