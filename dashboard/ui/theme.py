"""What every figure of the app shares with the pages' style sheets: the font, and its size in the figures."""

FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
#: The figures' text size, in pixels (tick labels, titles), and their legends'.
FONT_SIZE = 13
LEGEND_FONT_SIZE = 12
