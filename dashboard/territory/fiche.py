"""Former home of the fiche (split into data, map_figure, sections and page): re-export for the deck, to remove."""

from dashboard.territory.data import fiche_data  # noqa: F401  (used by dashboard/presentation/deck.py)
