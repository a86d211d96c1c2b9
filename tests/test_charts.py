"""The charts as drawn: everything inside the figure, one text size on every page."""

import base64
import io

import numpy
from matplotlib.backends.backend_agg import FigureCanvasAgg

from calpae_lib.analysis import axes, orientation
from calpae_lib.present import charts


def report_charts(report) -> list[charts.Chart]:
    """Every chart the reports of ``report`` draw."""
    chain = orientation.orientation_chain(report)
    built = [charts.volet_budget_chart(report), charts.orientation_year_chart(chain),
             charts.orientation_rates_chart(chain), charts.global_delay_chart(chain)]
    for key in axes.axes_present(report):
        built += [charts.axis_budget_chart(report, key), charts.execution_rate_chart(report, key)]
    return [chart for chart in built if chart is not None]

def drawn_outside(chart: charts.Chart) -> bool:
    """Whether something of a chart (title, label, value, legend) is cut by its figure's edge:
    a pixel of the image's outermost rows or columns that is not the white background."""
    canvas = FigureCanvasAgg(chart.figure)
    chart.figure.set_facecolor("white")
    canvas.draw()
    pixels = numpy.asarray(canvas.buffer_rgba())[:, :, :3]
    border = numpy.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])
    return bool((border < 250).any())


def test_every_title_label_and_value_lies_inside_its_chart(bundled_report):
    built = report_charts(bundled_report)
    assert len(built) >= 6
    assert [chart.alt for chart in built if drawn_outside(chart)] == []

def test_a_long_title_is_wrapped_inside_the_chart():
    figure, plot = charts.new_figure(rows=2)
    plot.barh([0, 1], [10, 20])
    charts.chart_title(figure, "Un titre de graphique bien plus long que la largeur de la figure ne le permet " * 2)
    assert not drawn_outside(charts.Chart(figure, alt="titre long"))

def test_every_chart_is_shown_at_one_scale(bundled_report):
    """Drawn at one width and shown at one width: a chart's text is never shrunk below the others'."""
    for chart in report_charts(bundled_report):
        data, metadata = chart._repr_mimebundle_()
        png = base64.b64decode(data["image/png"])
        assert int.from_bytes(png[16:20], "big") == round(charts.WIDTH_INCHES * charts.DPI), chart.alt
        assert metadata["image/png"]["width"] == charts.DISPLAY_WIDTH


def test_a_chart_drawn_once_has_the_pixels_savefig_gives(bundled_report):
    """png() draws each figure once (savefig places a laid-out figure in a first draw, then paints it):
    the same pixels as savefig's at the same resolution on white, for every chart. Each figure is
    drawn once only, as in a notebook: a layout run again from its own result may move a label."""
    from PIL import Image

    for chart, twin in zip(report_charts(bundled_report), report_charts(bundled_report), strict=True):
        buffer = io.BytesIO()
        twin.figure.savefig(buffer, format="png", dpi=charts.DPI, facecolor="white")
        expected = numpy.asarray(Image.open(buffer).convert("RGB"))
        drawn = Image.open(io.BytesIO(chart.png()))
        assert drawn.mode == "RGB", chart.alt
        assert numpy.array_equal(numpy.asarray(drawn), expected), chart.alt
