"""FINESS establishments: the tidy schema shared by the FHIR and CSV loaders, and the housing typology.

THE typology rule (`classify(category_code, name)`), FINESS category → (type, family):

family "residence_sociale" (résidences sociales and related housing):
- 259 Autre résidence sociale → "generaliste";
- 258 Maison relais – pension de famille → "pension_de_famille", except names starting with the word
  "PF RA" → "residence_accueil" (résidences accueil have no category of their own: the "PF RA" name
  prefix is the only way to recognise them, see finess-fhir-20210108-hdf/PROVENANCE.md);
- 257 Foyer de jeunes travailleurs → "fjt";
- 256 Foyer de travailleurs migrants non transformé en résidence sociale → "ftm".
family "hebergement" (shelters and residential care):
- 214 CHRS → "chrs"; 219 Autre centre d'accueil → "autre_centre_accueil"; 443 CADA → "cada";
  442 CPH → "cph"; 216 RHVS → "rhvs"; 180 LHSS → "lhss"; 213 LAM → "lam"; 165 ACT → "act".
Every other category (e.g. 218 aires d'accueil des gens du voyage, 271 maisons d'accueil hospitalières,
324 logements foyers non spécialisés, 224 PMI) is not kept.

Tidy establishment frame (one row per FINESS ET number), as returned by both loaders' `parse`:
finess, finess_ej, name, category_code, category_label, aggregate_code, departement_code, postal_code,
city, commune_code, opening_date, lon, lat. `keep_housing` adds `type` and `family`.
Département codes are INSEE codes: "01"–"95", "2A", "2B", and "971"–"976", "986" overseas.
"""

from __future__ import annotations

import re

import pandas as pd
import pandera.pandas as pa

RESIDENCE = "residence_sociale"
HEBERGEMENT = "hebergement"

RESIDENCE_TYPES = ("generaliste", "pension_de_famille", "residence_accueil", "fjt", "ftm")
HEBERGEMENT_TYPES = ("chrs", "autre_centre_accueil", "cada", "cph", "rhvs", "lhss", "lam", "act")

TYPE_LABELS = {
    "generaliste": "Résidence sociale généraliste",
    "pension_de_famille": "Pension de famille",
    "residence_accueil": "Résidence accueil",
    "fjt": "Foyer de jeunes travailleurs",
    "ftm": "Résidence issue de FTM / FTM",
    "chrs": "CHRS",
    "autre_centre_accueil": "Autre centre d'accueil (urgence, stabilisation)",
    "cada": "CADA",
    "cph": "CPH",
    "rhvs": "RHVS",
    "lhss": "LHSS",
    "lam": "LAM",
    "act": "ACT",
}
FAMILY_LABELS = {
    RESIDENCE: "Résidences sociales",
    HEBERGEMENT: "Hébergement social et médico-social",
}

#: FINESS category code → type, for every category kept (258 may become a résidence accueil by name).
CATEGORY_TYPES = {
    "259": "generaliste",
    "258": "pension_de_famille",
    "257": "fjt",
    "256": "ftm",
    "214": "chrs",
    "219": "autre_centre_accueil",
    "443": "cada",
    "442": "cph",
    "216": "rhvs",
    "180": "lhss",
    "213": "lam",
    "165": "act",
}
TYPOLOGY_RULE = (
    "Type déduit de la catégorie FINESS de l'établissement : "
    + " ; ".join(f"{code} → {TYPE_LABELS[type_]}" for code, type_ in CATEGORY_TYPES.items())
    + ". Les pensions de famille (258) dont le nom commence par « PF RA » sont des résidences accueil, "
    "qui n'ont pas de catégorie propre. Les autres catégories ne sont pas retenues."
)
TYPE_FAMILIES = {type_: RESIDENCE for type_ in RESIDENCE_TYPES} | {type_: HEBERGEMENT for type_ in HEBERGEMENT_TYPES}

RESIDENCE_ACCUEIL_NAME = re.compile(r"PF RA\b")

#: Opening dates FINESS uses when the real one is unknown. 1904-04-04 is undocumented but is shared by
#: hundreds of records, including pensions de famille (a category created in 2002).
PLACEHOLDER_OPENING_DATES = frozenset({"1900-01-01", "1901-01-01", "1904-04-04"})

FINESS_PATTERN = r"^[0-9][0-9A-Z][0-9]{7}$"
DEPARTEMENT_PATTERN = r"^(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-6]|98[6-8])$"
#: Metropolitan France and Corsica, generously: a position outside is a projection error.
METROPOLE_BOUNDS = {"lon": (-5.5, 10.0), "lat": (41.0, 51.5)}


def classify(category_code: str, name: str | None) -> tuple[str, str] | None:
    """The (type, family) of an establishment, or None if it is not kept (see module docstring)."""
    type_ = CATEGORY_TYPES.get(category_code)
    if type_ is None:
        return None
    if type_ == "pension_de_famille" and isinstance(name, str) and RESIDENCE_ACCUEIL_NAME.match(name.strip()):
        type_ = "residence_accueil"
    return type_, TYPE_FAMILIES[type_]


def departement_from_finess(finess: str) -> str:
    """Département of an establishment from its FINESS number: first two characters, or for overseas
    numbers (97…/98…) the first two plus the fourth (970431003 → 974)."""
    return finess[:2] + finess[3] if finess[:2] in ("97", "98") else finess[:2]


def is_overseas(departement_code: pd.Series) -> pd.Series:
    return departement_code.str.len() == 3


def _metropolitan_positions_inside(frame: pd.DataFrame) -> pd.Series:
    (lon_min, lon_max), (lat_min, lat_max) = METROPOLE_BOUNDS["lon"], METROPOLE_BOUNDS["lat"]
    outside = (frame["lon"].notna() & ~frame["lon"].between(lon_min, lon_max)) | (
        frame["lat"].notna() & ~frame["lat"].between(lat_min, lat_max)
    )
    return ~(outside & ~is_overseas(frame["departement_code"]))


def _text(pattern: str | None = None, nullable: bool = False) -> pa.Column:
    checks = [pa.Check.str_matches(pattern)] if pattern else [pa.Check.str_length(min_value=1)]
    return pa.Column(str, checks, nullable=nullable)


ESTABLISHMENT_COLUMNS = {
    "finess": pa.Column(str, pa.Check.str_matches(FINESS_PATTERN), unique=True),
    "finess_ej": _text(FINESS_PATTERN),
    "name": _text(),
    "category_code": _text(r"^[0-9]{3}$"),
    "category_label": _text(),
    "aggregate_code": _text(r"^[0-9]{4}$"),
    "departement_code": _text(DEPARTEMENT_PATTERN),
    "postal_code": _text(r"^[0-9]{5}$"),
    "city": _text(),
    "commune_code": _text(r"^([0-9]{5}|2[AB][0-9]{3})$", nullable=True),
    "opening_date": _text(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", nullable=True),
    "lon": pa.Column("float64", pa.Check.in_range(-180, 180), nullable=True),
    "lat": pa.Column("float64", pa.Check.in_range(-90, 90), nullable=True),
}
ESTABLISHMENTS = pa.DataFrameSchema(
    ESTABLISHMENT_COLUMNS,
    checks=[
        pa.Check(_metropolitan_positions_inside, error="position hors de la France métropolitaine"),
        pa.Check(lambda frame: frame["lon"].isna() == frame["lat"].isna(), error="longitude sans latitude"),
    ],
    strict=True,
    ordered=True,
)
HOUSING = pa.DataFrameSchema(
    ESTABLISHMENT_COLUMNS
    | {
        "type": pa.Column(str, pa.Check.isin(list(TYPE_FAMILIES))),
        "family": pa.Column(str, pa.Check.isin(list(FAMILY_LABELS))),
    },
    checks=[pa.Check(lambda frame: frame["type"].map(TYPE_FAMILIES) == frame["family"], error="famille incohérente")],
    strict=True,
    ordered=True,
)


def clean_opening_date(dates: pd.Series) -> pd.Series:
    """Opening dates with empty values and placeholders made missing."""
    dates = dates.str.strip()
    return dates.where(~dates.isin(PLACEHOLDER_OPENING_DATES) & (dates != ""))


def keep_housing(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Classify establishments, keep the typed ones; also return the rows dropped per category code."""
    typed = [classify(code, name) for code, name in zip(frame["category_code"], frame["name"], strict=True)]
    kept = pd.Series([value is not None for value in typed], index=frame.index)
    housing = frame[kept].assign(
        type=pd.Series([value[0] for value in typed if value], index=frame.index[kept], dtype="str"),
        family=pd.Series([value[1] for value in typed if value], index=frame.index[kept], dtype="str"),
    )
    housing = housing.reset_index(drop=True)
    housing.attrs = dict(frame.attrs)
    dropped = frame.loc[~kept, "category_code"].value_counts().rename("dropped")
    return housing, dropped
