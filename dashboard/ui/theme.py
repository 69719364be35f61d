"""What every figure of the app shares with the pages' style sheets: the font."""

FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
