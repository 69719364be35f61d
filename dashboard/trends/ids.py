"""Component ids of the trend charts (sections on the fiches, block of the comparison)."""

EPCI_TRENDS = "territoire-tendances"
COMMUNE_TRENDS = "commune-tendances"
COMPARE_TRENDS = "comparer-tendances"
#: Class of every trend figure (a chart, its sources and its values), for the browser tests.
TREND_FIGURE_CLASS = "trend-figure"


def graph_id(section: str, key: str) -> str:
    """The id of one chart of a section: « territoire-tendances-lda »."""
    return f"{section}-{key}"
