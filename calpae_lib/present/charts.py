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

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from calpae_lib.analysis import budget
from calpae_lib.present import views
from calpae_lib.text.formatting import format_eur, format_number, format_percent

#: Prévu light, engagé dark: distinguishable in colour and in grey.
STAGE_COLOURS = {"prevu": "#9ecae1", "engage": "#08519c"}
TARGET_COLOUR = "#d95f02"
DPI = 150
WIDTH_INCHES = 9.0
#: Pixel width at which the PNG is shown (it is drawn at DPI for print).
DISPLAY_WIDTH = 860
FONT_SIZE = 10
#: Titles and labels come from the report: drawn as printed, never read as TeX (``$\\alert$``).
matplotlib.rcParams["text.parse_math"] = False


@dataclass
class Chart:
    """A finished figure: shows as a PNG (with an ``alt`` text) in notebooks and HTML."""

    figure: Figure
    alt: str

    def png(self) -> bytes:
        buffer = io.BytesIO()
        # no "Software: Matplotlib version…" text chunk: the same chart gives the same bytes
        self.figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", facecolor="white",
                            metadata={"Software": None})
        return buffer.getvalue()

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = {"image/png": base64.b64encode(self.png()).decode("ascii"), "text/plain": self.alt}
        return data, {"image/png": {"width": DISPLAY_WIDTH, "alt": self.alt}}

    def __repr__(self) -> str:
        return f"<Graphique : {self.alt}>"


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


def prevu_engage_chart(labels, prevu, engage, title: str) -> Chart:
    """Horizontal bars, prévu against engagé per category; a missing engagé is written, not drawn."""
    labels, prevu, engage = list(labels), list(prevu), list(engage)
    figure, axes = new_figure(rows=2 * len(labels))
    positions = range(len(labels))
    height = 0.38
    top = max([v for v in prevu + engage if v == v and v is not None] or [1])
    for offset, stage, values in ((-height / 2, "prevu", prevu), (height / 2, "engage", engage)):
        ys = [p + offset for p in positions]
        drawn = [0 if v is None or v != v else v for v in values]
        axes.barh(ys, drawn, height=height, color=STAGE_COLOURS[stage],
                  label=views.STAGE_LABELS[stage], edgecolor="#333333", linewidth=0.4)
        for y, value in zip(ys, values):
            text = format_eur(value, missing=views.NOT_PRINTED)
            axes.text((0 if value is None or value != value else value) + top * 0.01, y, text,
                      va="center", fontsize=FONT_SIZE - 2, color="#222222")
    axes.set_yticks(list(positions), [short_label(label) for label in labels])
    axes.invert_yaxis()
    axes.set_xlim(0, top * 1.25)
    euro_axis(axes.xaxis)
    axes.set_xlabel("Montant (€)", fontsize=FONT_SIZE)
    axes.set_title(title, fontsize=FONT_SIZE + 2, loc="left")
    axes.legend(loc="lower right", fontsize=FONT_SIZE - 1, frameon=False)
    return Chart(figure, alt=title)


def volet_budget_chart(report) -> Chart | None:
    """Prévu against engagé per volet and financeur, for the whole convention."""
    summary = budget.budget_by_volet(report)
    if summary.empty:
        return None
    labels = [f"{views.VOLET_LABELS.get(v, v)} — {views.FINANCEUR_LABELS.get(f, f)}"
              for v, f in zip(summary["volet"], summary["financeur"])]
    title = f"Budget {report.meta.year} par volet et financeur : prévu et engagé"
    return prevu_engage_chart(labels, summary["prevu"], summary["engage"], title)


def axis_budget_chart(report, key: str) -> Chart | None:
    """Prévu against engagé per action (both financeurs together) of one axis."""
    rows = budget.budget_by_axis(report, key)
    if rows.empty:
        return None
    summary = budget.summarise_budget(rows, ["number", "title"])
    labels = [f"{n}. {t}" for n, t in zip(summary["number"], summary["title"])]
    title = f"{views.axis_label(key)} : prévu et engagé par action en {report.meta.year} (État + Département)"
    return prevu_engage_chart(labels, summary["prevu"], summary["engage"], title)


def execution_rate_chart(report, key: str) -> Chart | None:
    """Taux d'exécution per action and financeur of one axis, against the 100 % line."""
    rows = budget.budget_by_axis(report, key)
    rows = rows[rows["taux"].notna()]
    if rows.empty:
        return None
    figure, axes = new_figure(rows=len(rows))
    labels = [f"{n}. {short_label(t, 36, 1)} — {views.FINANCEUR_LABELS.get(f, f)}"
              for n, t, f in zip(rows["number"], rows["title"], rows["financeur"])]
    rates = list(rows["taux"])
    axes.barh(range(len(rates)), rates, color=STAGE_COLOURS["engage"], height=0.6)
    for y, rate in enumerate(rates):
        axes.text(rate + 1, y, format_percent(rate), va="center", fontsize=FONT_SIZE - 2)
    axes.axvline(100, color=TARGET_COLOUR, linestyle="--", linewidth=1.2, label="100 % du prévu")
    axes.set_yticks(range(len(rates)), labels)
    axes.invert_yaxis()
    axes.set_xlim(0, max(rates + [100]) * 1.15)
    percent_axis(axes.xaxis)
    axes.set_xlabel("Engagé en pourcentage du prévu (%)", fontsize=FONT_SIZE)
    title = f"{views.axis_label(key)} : taux d'exécution {report.meta.year} par action et financeur"
    axes.set_title(title, fontsize=FONT_SIZE + 2, loc="left")
    axes.legend(loc="lower right", fontsize=FONT_SIZE - 1, frameon=False)
    return Chart(figure, alt=title)


def funnel_chart(labels, values, title: str, unit: str = "personnes") -> Chart:
    """A funnel as horizontal bars, widest first; a missing step is written « non disponible »."""
    labels, values = list(labels), list(values)
    figure, axes = new_figure(rows=len(labels))
    top = max([v for v in values if v is not None and v == v] or [1])
    for y, value in enumerate(values):
        missing = value is None or value != value
        axes.barh(y, 0 if missing else value, color=STAGE_COLOURS["engage"], height=0.6)
        text = views.NOT_AVAILABLE if missing else format_number(value)
        axes.text((0 if missing else value) + top * 0.01, y, text, va="center", fontsize=FONT_SIZE - 1)
    axes.set_yticks(range(len(labels)), [short_label(label, 48) for label in labels])
    axes.invert_yaxis()
    axes.set_xlim(0, top * 1.2)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: format_number(value)))
    axes.set_xlabel(f"Nombre de {unit}", fontsize=FONT_SIZE)
    axes.set_title(title, fontsize=FONT_SIZE + 2, loc="left")
    return Chart(figure, alt=title)


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
    else:
        axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: format_number(value)))
    axes.set_xlabel("Année", fontsize=FONT_SIZE)
    axes.set_ylabel(ylabel, fontsize=FONT_SIZE)
    axes.set_title(title, fontsize=FONT_SIZE + 2, loc="left")
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)
    axes.legend(fontsize=FONT_SIZE - 1, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return Chart(figure, alt=title)


def orientation_funnel_chart(chain) -> Chart | None:
    """The chain for the report's year (results), step by step."""
    steps = chain.steps
    year = steps[(steps["kind"] == "result") & (steps["period"] == chain.report_year)]
    if year.empty:
        return None
    labels = [label + (f" (en {delay})" if isinstance(delay, str) else "")
              for label, delay in zip(year["step_label"], year["delay"])]
    values = [v if s == "ok" else None for v, s in zip(year["value"], year["status"])]
    return funnel_chart(labels, values, f"Chaîne d'orientation des nouveaux entrants au RSA en {chain.report_year}",
                        unit="personnes")


def orientation_rates_chart(chain) -> Chart | None:
    """Each rate of the chain over the years, with the rate the year's targets imply."""
    rates = chain.rates.dropna(subset=["rate"])
    results = rates[rates["kind"] == "result"]
    if results.empty:
        return None
    series = {short_label(label, 34): {int(p): v for p, v in zip(rows["period"], rows["rate"])}
              for label, rows in results.groupby("label", sort=False)}
    targets = {short_label(label, 34): {int(p): v for p, v in zip(rows["period"], rows["target_rate"])}
               for label, rows in results.dropna(subset=["target_rate"]).groupby("label", sort=False)}
    return series_chart(series, "Taux de la chaîne d'orientation par année (points : constaté ; tirets : objectif)",
                        "Taux (%)", targets=targets, percent=True)


def global_delay_chart(chain) -> Chart | None:
    """The accompagnement global's average start delay over the years, with the year's target."""
    delays = chain.global_delay[chain.global_delay["status"] == "ok"]
    results = delays[delays["kind"] == "result"]
    if results.empty:
        return None
    targets = delays[delays["kind"] == "target"]
    return series_chart({"délai moyen constaté": {int(p): v for p, v in zip(results["period"], results["value"])}},
                        "Délai moyen de démarrage de l'accompagnement global", "Délai (jours)",
                        targets={"objectif": {int(p): v for p, v in zip(targets["period"], targets["value"])}},
                        percent=False)
