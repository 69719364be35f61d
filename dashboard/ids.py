"""Every component id of the app, in one place."""

HEADER = "header"
NAV = "nav"
MAIN = "main"
FOOTER = "footer"
FOOTER_SOURCES_LINK = "footer-sources-link"

DATA_MISSING = "data-missing"

HOME_TITLE = "home-title"
HOME_INTRO = "home-intro"
HOME_KEY_FIGURES = "home-key-figures"
HOME_RESIDENCE_TYPES = "home-residence-types"

SOURCES_TITLE = "sources-title"
SOURCES_LIST = "sources-list"

NOT_FOUND_TITLE = "not-found-title"
