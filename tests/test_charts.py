"""The charts as drawn: everything inside the figure, one text size on every page."""

import base64
import io

import numpy
import pytest

from calpae_lib.analysis import axes, orientation
from calpae_lib.present import charts


def report_charts(report) -> list[tuple[str, charts.Chart]]:
    """Every chart the reports of ``report`` draw, with its kind (the function that drew it)."""
    chain = orientation.orientation_chain(report)
    built = [(charts.volet_budget_chart, (report,)), (charts.orientation_year_chart, (chain,)),
             (charts.orientation_rates_chart, (chain,)), (charts.global_delay_chart, (chain,))]
    for key in axes.axes_present(report):
        built += [(charts.axis_budget_chart, (report, key)), (charts.execution_rate_chart, (report, key))]
    drawn = [(draw.__name__, draw(*args)) for draw, args in built]
    return [(kind, chart) for kind, chart in drawn if chart is not None]


def first_of_each_kind(kinds: list[str]) -> list[int]:
    """The positions of the first chart of each kind."""
    return [kinds.index(kind) for kind in dict.fromkeys(kinds)]


@pytest.fixture(scope="module")
def shown(bundled_report):
    """Every chart of the bundled report as a notebook shows it, drawn once: (kind, chart, PNG, metadata)."""
    result = []
    for kind, chart in report_charts(bundled_report):
        data, metadata = chart._repr_mimebundle_()
        result.append((kind, chart, base64.b64decode(data["image/png"]), metadata["image/png"]))
    return result


def png_pixels(png: bytes) -> numpy.ndarray:
    from PIL import Image

    return numpy.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def drawn_outside(png: bytes) -> bool:
    """Whether something of a chart (title, label, value, legend) is cut by its figure's edge:
    a pixel of the image's outermost rows or columns that is not the white background."""
    pixels = png_pixels(png)
    border = numpy.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])
    return bool((border < 250).any())


def test_every_title_label_and_value_lies_inside_its_chart(shown):
    assert len(shown) >= 6
    assert [chart.alt for _, chart, png, _ in shown if drawn_outside(png)] == []


def test_a_long_title_is_wrapped_inside_the_chart():
    figure, plot = charts.new_figure(rows=2)
    plot.barh([0, 1], [10, 20])
    charts.chart_title(figure, "Un titre de graphique bien plus long que la largeur de la figure ne le permet " * 2)
    assert not drawn_outside(charts.Chart(figure, alt="titre long").png())


def test_a_title_cut_by_the_edge_is_seen():
    """The check above can fail: a title placed past the figure's left edge is found."""
    figure, plot = charts.new_figure(rows=2)
    plot.barh([0, 1], [10, 20])
    figure.suptitle("Un titre qui déborde à gauche", x=-0.05, ha="left")
    assert drawn_outside(charts.Chart(figure, alt="titre coupé").png())


def test_every_chart_is_shown_at_one_scale(shown):
    """Drawn at one width and shown at one width: a chart's text is never shrunk below the others'."""
    for _, chart, png, metadata in shown:
        assert int.from_bytes(png[16:20], "big") == round(charts.WIDTH_INCHES * charts.DPI), chart.alt
        assert metadata["width"] == charts.DISPLAY_WIDTH


def test_a_chart_drawn_once_has_the_pixels_savefig_gives(shown, bundled_report):
    """png() draws each figure once (savefig places a laid-out figure in a first draw, then paints it):
    the same pixels as savefig's at the same resolution on white, for a chart of every kind. Each
    figure is drawn once only, as in a notebook: a layout run again from its own result may move a label."""
    from PIL import Image

    twins = report_charts(bundled_report)
    for index in first_of_each_kind([kind for kind, *_ in shown]):
        _, chart, png, _ = shown[index]
        buffer = io.BytesIO()
        twins[index][1].figure.savefig(buffer, format="png", dpi=charts.DPI, facecolor="white")
        assert Image.open(io.BytesIO(png)).mode == "RGB", chart.alt
        assert numpy.array_equal(png_pixels(png), png_pixels(buffer.getvalue())), chart.alt
