"""Names of the main towns on the map: préfectures, sous-préfectures and communes of more than 20,000
inhabitants, at their IGN label point, in priority order.

Priority: préfectures, then sous-préfectures, then the other towns, each group by population (largest first).
The order is the rule the browser applies when two names would overlap at the current zoom: the later one
is hidden (`dashboard/assets/carte-etiquettes.js`). Names are drawn with a white halo and take no click
or hover, so the territories underneath stay clickable.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from dashboard.core.levels import LEVEL_COMMUNE
from dashboard.core.store import Store, inside_region

PREFECTURE = "prefecture"
SOUS_PREFECTURE = "sous-prefecture"
#: Communes above this legal population are named even when they are no chef-lieu.
TOWN_POPULATION = 20_000
#: Group rank: lower is drawn first and wins a collision.
SEAT_RANK = {PREFECTURE: 0, SOUS_PREFECTURE: 1}
TOWN_RANK = 2
#: Font size (px) per rank: préfectures larger than sous-préfectures, larger than other towns.
FONT_SIZES = {0: 14, 1: 12, 2: 11}
LABEL_COLOUR = "#161616"
LABEL_TRACE_NAME = "villes"


@dataclass(frozen=True)
class TownLabel:
    """A name on the map: commune code, name, label point (WGS84), rank (0 préfecture, 1 sous-préfecture,
    2 other town) and legal population."""

    code: str
    name: str
    lon: float
    lat: float
    rank: int
    population: int


def select_towns(communes: pd.DataFrame, min_population: int = TOWN_POPULATION) -> list[TownLabel]:
    """The communes to name, in priority order (rank, then population, largest first, then name).

    `communes`: code, name, seat, population, label_lon, label_lat; communes without label point are skipped.
    """
    if not {"seat", "label_lon", "label_lat"} <= set(communes.columns):
        return []
    located = communes[communes["label_lon"].notna() & communes["label_lat"].notna()]
    population = located["population"].astype("Float64").fillna(0)
    seat = located["seat"].astype("object").where(located["seat"].notna(), None)
    rank = seat.map(lambda value: SEAT_RANK.get(value, TOWN_RANK))
    chosen = located.assign(rank=rank, population=population)
    chosen = chosen[(chosen["rank"] < TOWN_RANK) | (chosen["population"] > min_population)]
    chosen = chosen.sort_values(["rank", "population", "name"], ascending=[True, False, True])
    return [
        TownLabel(
            str(row.code), str(row.name), float(row.label_lon), float(row.label_lat), int(row.rank), int(row.population)
        )
        for row in chosen.itertuples(index=False)
    ]


def town_labels(store: Store) -> tuple[TownLabel, ...]:
    """The towns named on the map, computed once per loaded store."""

    def compute(current: Store) -> tuple[TownLabel, ...]:
        territories = current.territories
        communes = territories[(territories["level"] == LEVEL_COMMUNE) & inside_region(territories)]
        return tuple(select_towns(pd.DataFrame(communes.drop(columns="geometry"))))

    return store.derived("map_town_labels", compute)


def labels_trace(labels: tuple[TownLabel, ...] | list[TownLabel]) -> go.Scattergeo:
    """The names as a text-only trace, in priority order, skipped by hover and clicks."""
    return go.Scattergeo(
        lon=[label.lon for label in labels],
        lat=[label.lat for label in labels],
        text=[label.name for label in labels],
        mode="text",
        textposition="middle center",
        textfont={
            "size": [FONT_SIZES[label.rank] for label in labels],
            "color": LABEL_COLOUR,
            "weight": [700 if label.rank == 0 else 600 if label.rank == 1 else 400 for label in labels],
        },
        hoverinfo="skip",
        showlegend=False,
        name=LABEL_TRACE_NAME,
    )
