"""Planned residences (« Projet envisagé »): what the gap and the priority of an EPCI become if residences open.

A project is a residence type, a number of places and the commune where it would open. In an address they are
written `projets=<type>:<places>:<code commune>|…` (e.g. `projets=pension_de_famille:25:80021`); the map, the
fiche, the API and the « Scénario » slide read the same syntax. Invalid projects (unknown type or commune,
places ≤ 0 or over MAX_PLACES) are each named in a notice and left out; the others are kept.

The places of a project are known exactly: they add to the EPCI's estimated supply of their family without the
size uncertainty of the estimate (see `dashboard.needs.model.shortfall`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.core import catalogue
from dashboard.core.formatting import format_number, typo
from dashboard.core.levels import LEVEL_COMMUNE
from dashboard.core.perimeter import in_perimeter
from dashboard.core.store import Store
from dashboard.core.url_state import Invalid, Reading, quoted

MAX_PLACES = 500
MAX_PROJECTS = 10
SEPARATOR = "|"
PART_SEPARATOR = ":"


@dataclass(frozen=True)
class Project:
    """One planned residence: its type (FINESS-derived key, e.g. `pension_de_famille`), places and commune."""

    kind: str
    places: int
    commune: str

    @property
    def text(self) -> str:
        return PART_SEPARATOR.join((self.kind, str(self.places), self.commune))


@dataclass(frozen=True)
class ProjectChoices:
    """What a project may name, read from the store: types of résidences sociales and the région's communes."""

    kinds: Mapping[str, str]  # type key → label (« Pension de famille »)
    families: Mapping[str, str]  # type key → supply family key (`pension_famille`)
    communes: Mapping[str, str]  # current Insee code → name
    epci_of: Mapping[str, str]  # current Insee code → SIREN of its EPCI
    former: Mapping[str, str]  # former Insee code → current code

    def kind_label(self, kind: str) -> str:
        return self.kinds.get(kind, kind)

    def commune_label(self, code: str) -> str:
        return f"{self.communes.get(code, code)} ({code})"


NO_CHOICES = ProjectChoices({}, {}, {}, {}, {})


def read_choices(store: Store) -> ProjectChoices:
    """The types that belong to a supply family and the communes of the région with their EPCI."""
    types = store.catalogue.get("residence_types") or {}
    labels = types.get("labels") or {}
    families = {
        kind: str(record["key"])
        for record in (store.catalogue.get("supply_places") or {}).get("residences", [])
        for kind in record.get("types") or ()
    }
    territories = store.territories
    communes = territories[territories["level"] == LEVEL_COMMUNE]
    if "in_region" in communes:
        communes = communes[communes["in_region"].fillna(False).astype(bool)]
    epci = communes["epci_code"] if "epci_code" in communes else pd.Series(None, index=communes.index, dtype=object)
    communes = communes.assign(epci_code=epci)[epci.notna()]
    names = dict(zip(communes["code"].astype(str), communes["name"].astype(str), strict=True))
    return ProjectChoices(
        kinds={kind: str(labels.get(kind, kind)) for kind in types.get("residence_sociale", []) if kind in families},
        families=families,
        communes=names,
        epci_of=dict(zip(communes["code"].astype(str), communes["epci_code"].astype(str), strict=True)),
        former={old: new for old, new in catalogue.former_commune_codes(store).items() if new in names},
    )


def project_choices(store: Store) -> ProjectChoices:
    """The project choices, read once per loaded store."""
    return store.derived("project_choices", read_choices)


def whole_places(value: object) -> int | None:
    """A whole number of places from 1 to MAX_PLACES, written in digits (address) or given as a number (form),
    else None."""
    if isinstance(value, str):
        text = value.strip()
        number: float = int(text) if text.isdigit() and len(text) <= 4 else 0
    elif isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        number = value
    else:
        return None
    return int(number) if number == int(number) and 0 < number <= MAX_PLACES else None


def check_project(item: str, choices: ProjectChoices) -> tuple[Project | None, str | None]:
    """One `type:places:commune` item: the project, or why it is left out (French)."""
    parts = [part.strip() for part in item.split(PART_SEPARATOR)]
    shown = quoted(item, 40)
    if len(parts) != 3:
        return None, f"Projet « {shown} » ignoré : écrivez type:places:code commune (ex. pension_de_famille:25:80021)."
    kind, places_text, code = parts
    if kind not in choices.kinds:
        return None, f"Projet « {shown} » ignoré : type inconnu (types possibles : {', '.join(choices.kinds)})."
    places = whole_places(places_text)
    if places is None:
        return None, f"Projet « {shown} » ignoré : le nombre de places doit être un entier de 1 à {MAX_PLACES}."
    current = choices.former.get(code, code)
    if current not in choices.communes:
        return None, f"Projet « {shown} » ignoré : commune inconnue {in_perimeter()}."
    if current != code:
        return Project(kind, places, current), (
            f"Projet « {shown} » : l'ancienne commune {code} fait aujourd'hui partie de la commune "
            f"{choices.commune_label(current)}."
        )
    return Project(kind, places, current), None


def parse_projects(text: str, choices: ProjectChoices) -> tuple[tuple[Project, ...], list[str]]:
    """The valid projects of `projets=` (at most MAX_PROJECTS) and one notice per project left out or changed."""
    items = [item for item in text.split(SEPARATOR) if item.strip()]
    projects, notices = [], []
    for item in items:
        project, notice = check_project(item, choices)
        if notice:
            notices.append(notice)
        if project is not None:
            projects.append(project)
    if len(projects) > MAX_PROJECTS:
        notices.append(f"Seuls les {MAX_PROJECTS} premiers projets sont retenus.")
    return tuple(projects[:MAX_PROJECTS]), notices


def read_projects(text: str, reading: Reading) -> tuple[Project, ...]:
    """The URL-state reader of `projets` (`reading.choices.projects` names what is known)."""
    choices = getattr(reading.choices, "projects", None)
    if choices is None or not choices.communes:
        raise Invalid("Les projets envisagés ne sont pas lus sur cette page : ils sont ignorés.")
    projects, notices = parse_projects(text, choices)
    for notice in notices:
        reading.note(notice)
    return projects


def write_projects(projects: Sequence[Project]) -> str | None:
    """`type:places:commune|…`, or None without project."""
    return SEPARATOR.join(project.text for project in projects) or None


def planned_places(
    projects: Iterable[Project], choices: ProjectChoices, codes: pd.Index, families: Sequence[str]
) -> np.ndarray:
    """(n, F) places planned in each EPCI of `codes` for each supply family (0 where nothing is planned)."""
    planned = np.zeros((len(codes), len(families)))
    rows = {code: at for at, code in enumerate(codes)}
    columns = {family: at for at, family in enumerate(families)}
    for project in projects:
        row = rows.get(choices.epci_of.get(project.commune, ""))
        column = columns.get(choices.families.get(project.kind, ""))
        if row is not None and column is not None:
            planned[row, column] += project.places
    return planned


def project_sentence(project: Project, choices: ProjectChoices) -> str:
    """« Pension de famille de 25 places à Amiens (80021) »."""
    return typo(
        f"{choices.kind_label(project.kind)} de {format_number(project.places, 0)} places "
        f"à {choices.commune_label(project.commune)}"
    )


def projects_in(projects: Iterable[Project], choices: ProjectChoices, siren: str) -> tuple[Project, ...]:
    """The projects located in the EPCI `siren`."""
    return tuple(project for project in projects if choices.epci_of.get(project.commune) == siren)
