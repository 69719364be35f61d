"""Administrative reference (Etalab decoupage-administratif 6.0.0): current communes with their
legal population and postcodes, the codes of former communes, EPCIs and their members,
départements and régions.

Vintages differ by file (see the PROVENANCE): communes are COG 2026, EPCI compositions those of
1 January 2025, commune populations the millésime 2023. The EPCI `population_municipale` of
`epci.json` is an older millésime than the commune `population`: it does not equal the sum of
the members' populations (1,246 EPCIs of 1,255 differ). Join on codes, never on names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from loaders import readers
from loaders.errors import SourceError
from loaders.fetch import fetch

DATASET_ID = "decoupage-administratif-6.0.0"
COMMUNES_FILE = "communes.json"
EPCI_FILE = "epci.json"
DEPARTEMENTS_FILE = "departements.json"
REGIONS_FILE = "regions.json"
ARRONDISSEMENTS_FILE = "arrondissements.json"
#: The région whose communes must each belong to exactly one EPCI (Hauts-de-France).
HOME_REGION = "32"

#: Exact row counts of version 6.0.0 (the mirror's copy and the npm package are the same bytes, checksummed):
#: 34,969 current communes, 1,255 EPCIs, 109 départements (overseas collectivities included), 26 régions.
EXPECTED_ROWS: Mapping[str, tuple[int, int]] = {
    "communes": (34_969, 34_969),
    "epci": (1_255, 1_255),
    "departements": (109, 109),
    "regions": (26, 26),
    # Paris 20, Marseille 16, Lyon 9.
    "municipal_arrondissements": (45, 45),
}
#: 333 arrondissements (overseas included), each with its chef-lieu (sous-préfecture, or the préfecture).
ARRONDISSEMENT_ROWS = (333, 333)
PREFECTURE = "prefecture"
SOUS_PREFECTURE = "sous-prefecture"

CURRENT = "commune-actuelle"
#: Former communes still listed with the current commune they belong to (`chefLieu`).
ATTACHED = ("commune-deleguee", "commune-associee")
MUNICIPAL_ARRONDISSEMENT = "arrondissement-municipal"
COMMUNE_TYPES = frozenset({CURRENT, *ATTACHED, MUNICIPAL_ARRONDISSEMENT})
EPCI_KINDS = ("CC", "CA", "CU", "METRO", "MET69")

#: Overseas collectivities (Saint-Pierre-et-Miquelon… Clipperton), coded like départements
#: and régions in this reference, although they are neither.
COLLECTIVITE_CODE = r"^(97[578]|98[46-9])$"
DEPARTEMENT_OR_COLLECTIVITE = f"{readers.DEPARTEMENT_CODE}|{COLLECTIVITE_CODE}"
REGION_OR_COLLECTIVITE = f"{readers.REGION_CODE}|{COLLECTIVITE_CODE}"
SIREN_CODE = r"^\d{9}$"
_NAME = pa.Check.str_length(min_value=1)


def _all_postal_codes_valid(postal_codes: pd.Series) -> pd.Series:
    return postal_codes.map(lambda codes: all(len(code) == 5 and code.isdigit() for code in codes))


COMMUNES_SCHEMA = pa.DataFrameSchema(
    {
        "code": pa.Column(str, pa.Check.str_matches(readers.COMMUNE_CODE), unique=True),
        "name": pa.Column(str, _NAME),
        "departement_code": pa.Column(str, pa.Check.str_matches(DEPARTEMENT_OR_COLLECTIVITE)),
        "region_code": pa.Column(str, pa.Check.str_matches(REGION_OR_COLLECTIVITE)),
        "population": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        "siren": pa.Column(str, pa.Check.str_matches(SIREN_CODE), nullable=True),
        "postal_codes": pa.Column(object, pa.Check(_all_postal_codes_valid, error="code postal mal formé")),
    },
    strict=True,
    ordered=True,
)
FORMER_CODES_SCHEMA = pa.DataFrameSchema(
    {
        "former_code": pa.Column(str, pa.Check.str_matches(readers.COMMUNE_CODE), unique=True),
        "current_code": pa.Column(str, pa.Check.str_matches(readers.COMMUNE_CODE)),
    },
    strict=True,
    ordered=True,
)
MUNICIPAL_ARRONDISSEMENTS_SCHEMA = pa.DataFrameSchema(
    {
        "code": pa.Column(str, pa.Check.str_matches(readers.COMMUNE_CODE), unique=True),
        "commune_code": pa.Column(str, pa.Check.str_matches(readers.COMMUNE_CODE)),
    },
    strict=True,
    ordered=True,
)
EPCI_SCHEMA = pa.DataFrameSchema(
    {
        "code": pa.Column(str, pa.Check.str_matches(SIREN_CODE), unique=True),
        "name": pa.Column(str, _NAME),
        "kind": pa.Column(str, pa.Check.isin(EPCI_KINDS)),
        "population_municipale": pa.Column("Int64", pa.Check.ge(0)),
    },
    strict=True,
    ordered=True,
)
EPCI_MEMBERS_SCHEMA = pa.DataFrameSchema(
    {
        "epci_code": pa.Column(str, pa.Check.str_matches(SIREN_CODE)),
        # A commune belongs to one EPCI at most.
        "commune_code": pa.Column(str, pa.Check.str_matches(readers.COMMUNE_CODE), unique=True),
    },
    strict=True,
    ordered=True,
)
DEPARTEMENTS_SCHEMA = pa.DataFrameSchema(
    {
        "code": pa.Column(str, pa.Check.str_matches(DEPARTEMENT_OR_COLLECTIVITE), unique=True),
        "name": pa.Column(str, _NAME),
        "region_code": pa.Column(str, pa.Check.str_matches(REGION_OR_COLLECTIVITE)),
    },
    strict=True,
    ordered=True,
)
REGIONS_SCHEMA = pa.DataFrameSchema(
    {"code": pa.Column(str, pa.Check.str_matches(REGION_OR_COLLECTIVITE), unique=True), "name": pa.Column(str, _NAME)},
    strict=True,
    ordered=True,
)


@dataclass(frozen=True)
class AdminReference:
    """Frames of the administrative reference (columns documented on `parse`)."""

    communes: pd.DataFrame
    former_codes: pd.DataFrame
    epci: pd.DataFrame
    epci_members: pd.DataFrame
    departements: pd.DataFrame
    regions: pd.DataFrame
    municipal_arrondissements: pd.DataFrame


def parse(
    communes_path: Path,
    epci_path: Path,
    departements_path: Path,
    regions_path: Path,
    *,
    expected_rows: Mapping[str, tuple[int, int]] = EXPECTED_ROWS,
) -> AdminReference:
    """Parse and cross-validate the four JSON files.

    - communes: code, name, departement_code, region_code, siren (str; siren missing for the
      overseas collectivities), population (Int64, population municipale; missing for the
      uninhabited TAAF districts), postal_codes (list of str);
    - municipal_arrondissements: code, commune_code (str): the arrondissements of Paris, Lyon and Marseille,
      which some INSEE files list in place of (or beside) their commune;
    - former_codes: former_code, current_code (str), from `anciensCodes` and from delegated or
      associated communes' `chefLieu`; where both exist and disagree, `chefLieu` wins (it is
      the current COG attachment; `anciensCodes` keeps stale history, e.g. 60455 listed
      under 60054 although La Neuville-Garnier is a delegated commune of 60694 today);
    - epci: code (SIREN), name, kind (CC, CA, CU, METRO, MET69) (str), population_municipale
      (Int64, older millésime than the communes');
    - epci_members: epci_code, commune_code (str);
    - departements: code, name, region_code; regions: code, name (str).
    """
    regions = _regions(regions_path)
    departements = _departements(departements_path)
    communes, former_codes, arrondissements = _communes(communes_path)
    epci, epci_members = _epci(epci_path)

    _check_known(regions_path, departements["region_code"], regions["code"], "régions des départements")
    _check_known(communes_path, communes["departement_code"], departements["code"], "départements des communes")
    _check_known(communes_path, communes["region_code"], regions["code"], "régions des communes")
    _check_known(communes_path, former_codes["current_code"], communes["code"], "communes de rattachement")
    _check_known(communes_path, arrondissements["commune_code"], communes["code"], "communes des arrondissements")
    still_current = former_codes["former_code"][former_codes["former_code"].isin(communes["code"])]
    if len(still_current):
        raise SourceError(
            DATASET_ID, communes_path, f"anciens codes encore actuels : {', '.join(sorted(still_current)[:5])}"
        )
    _check_known(epci_path, epci_members["commune_code"], communes["code"], "communes membres d'EPCI")
    home = communes["code"][communes["region_code"] == HOME_REGION]
    outside_epci = home[~home.isin(epci_members["commune_code"])]
    if len(outside_epci):
        raise SourceError(
            DATASET_ID,
            epci_path,
            f"{len(outside_epci)} commune(s) de la région {HOME_REGION} dans aucun EPCI "
            f"(ex. {', '.join(sorted(outside_epci)[:5])})",
        )

    for what, frame, path in (
        ("communes", communes, communes_path),
        ("epci", epci, epci_path),
        ("departements", departements, departements_path),
        ("regions", regions, regions_path),
        ("municipal_arrondissements", arrondissements, communes_path),
    ):
        readers.check_count(DATASET_ID, path, len(frame), *expected_rows[what], what)
    return AdminReference(
        communes=communes,
        former_codes=former_codes,
        epci=epci,
        epci_members=epci_members,
        departements=departements,
        regions=regions,
        municipal_arrondissements=arrondissements,
    )


def load() -> AdminReference:
    """Fetch the four files and parse them."""
    paths = [fetch(DATASET_ID, name) for name in (COMMUNES_FILE, EPCI_FILE, DEPARTEMENTS_FILE, REGIONS_FILE)]
    return parse(*paths)


def _entries(path: Path, required: Iterable[str]) -> list[dict]:
    """The list of JSON objects of a file, each holding the required fields."""
    data = readers.read_json(DATASET_ID, path)
    if not isinstance(data, list) or not all(isinstance(entry, dict) for entry in data):
        raise SourceError(DATASET_ID, path, "liste d'objets JSON attendue")
    _check_fields(path, data, required, "entrée")
    return data


def _check_fields(path: Path, entries: list[dict], required: Iterable[str], what: str) -> None:
    required = tuple(required)
    for number, entry in enumerate(entries, start=1):
        missing = [key for key in required if entry.get(key) in (None, "")]
        if missing:
            raise SourceError(
                DATASET_ID,
                path,
                f"{what} n° {number} (code {entry.get('code', '?')}) : champ(s) manquant(s) {', '.join(missing)}",
            )


def _check_known(path: Path, codes: pd.Series, known: pd.Series, what: str) -> None:
    unknown = sorted(set(codes) - set(known))
    if unknown:
        raise SourceError(DATASET_ID, path, f"{what} inconnu(e)s : {', '.join(unknown[:5])}")


def _communes(path: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    entries = _entries(path, ("code", "nom", "type", "departement", "region"))
    unknown_types = sorted({entry["type"] for entry in entries} - COMMUNE_TYPES)
    if unknown_types:
        raise SourceError(DATASET_ID, path, f"type(s) de commune inconnu(s) : {', '.join(unknown_types)}")
    current = [entry for entry in entries if entry["type"] == CURRENT]
    attached = [entry for entry in entries if entry["type"] in ATTACHED]
    _check_fields(path, attached, ("chefLieu",), "commune déléguée ou associée")
    arrondissements = [entry for entry in entries if entry["type"] == MUNICIPAL_ARRONDISSEMENT]
    _check_fields(path, arrondissements, ("commune",), "arrondissement municipal")
    communes = pd.DataFrame(
        {
            "code": pd.Series([entry["code"] for entry in current], dtype="str"),
            "name": pd.Series([entry["nom"] for entry in current], dtype="str"),
            "departement_code": pd.Series([entry["departement"] for entry in current], dtype="str"),
            "region_code": pd.Series([entry["region"] for entry in current], dtype="str"),
            "population": pd.array([entry.get("population") for entry in current], dtype="Int64"),
            "siren": pd.Series([entry.get("siren") for entry in current], dtype="str"),
            "postal_codes": pd.Series([list(entry.get("codesPostaux", [])) for entry in current], dtype=object),
        }
    )
    former = {old: entry["code"] for entry in current for old in entry.get("anciensCodes", [])}
    former |= {entry["code"]: entry["chefLieu"] for entry in attached if entry["code"] != entry["chefLieu"]}
    former_codes = pd.DataFrame(
        {
            "former_code": pd.Series(list(former), dtype="str"),
            "current_code": pd.Series(list(former.values()), dtype="str"),
        }
    )
    former_codes = former_codes.sort_values("former_code", ignore_index=True)
    municipal_arrondissements = pd.DataFrame(
        {
            "code": pd.Series([entry["code"] for entry in arrondissements], dtype="str"),
            "commune_code": pd.Series([entry["commune"] for entry in arrondissements], dtype="str"),
        }
    )
    return (
        readers.validate(DATASET_ID, path, communes, COMMUNES_SCHEMA),
        readers.validate(DATASET_ID, path, former_codes, FORMER_CODES_SCHEMA),
        readers.validate(DATASET_ID, path, municipal_arrondissements, MUNICIPAL_ARRONDISSEMENTS_SCHEMA),
    )


def _epci(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    entries = _entries(path, ("code", "nom", "type", "populationMunicipale", "membres"))
    for entry in entries:
        _check_fields(path, entry["membres"], ("code",), f"membre de l'EPCI {entry['code']}")
    epci = pd.DataFrame(
        {
            "code": pd.Series([entry["code"] for entry in entries], dtype="str"),
            "name": pd.Series([entry["nom"] for entry in entries], dtype="str"),
            "kind": pd.Series([entry["type"] for entry in entries], dtype="str"),
            "population_municipale": pd.array([entry["populationMunicipale"] for entry in entries], dtype="Int64"),
        }
    )
    members = pd.DataFrame(
        {
            "epci_code": pd.Series([entry["code"] for entry in entries for _ in entry["membres"]], dtype="str"),
            "commune_code": pd.Series(
                [member["code"] for entry in entries for member in entry["membres"]], dtype="str"
            ),
        }
    )
    return (
        readers.validate(DATASET_ID, path, epci, EPCI_SCHEMA),
        readers.validate(DATASET_ID, path, members, EPCI_MEMBERS_SCHEMA),
    )


def _departements(path: Path) -> pd.DataFrame:
    entries = _entries(path, ("code", "nom", "region"))
    frame = pd.DataFrame(
        {
            "code": pd.Series([entry["code"] for entry in entries], dtype="str"),
            "name": pd.Series([entry["nom"] for entry in entries], dtype="str"),
            "region_code": pd.Series([entry["region"] for entry in entries], dtype="str"),
        }
    )
    return readers.validate(DATASET_ID, path, frame, DEPARTEMENTS_SCHEMA)


def _regions(path: Path) -> pd.DataFrame:
    entries = _entries(path, ("code", "nom"))
    frame = pd.DataFrame(
        {
            "code": pd.Series([entry["code"] for entry in entries], dtype="str"),
            "name": pd.Series([entry["nom"] for entry in entries], dtype="str"),
        }
    )
    return readers.validate(DATASET_ID, path, frame, REGIONS_SCHEMA)


SEATS_SCHEMA = pa.DataFrameSchema(
    {
        "code": pa.Column(str, pa.Check.str_matches(readers.COMMUNE_CODE), unique=True),
        "seat": pa.Column(str, pa.Check.isin((PREFECTURE, SOUS_PREFECTURE))),
        "departement_code": pa.Column(str, pa.Check.str_matches(DEPARTEMENT_OR_COLLECTIVITE)),
    },
    strict=True,
    ordered=True,
)


def parse_seats(departements_path: Path, arrondissements_path: Path) -> pd.DataFrame:
    """Communes that are the seat of a département (préfecture) or of an arrondissement (sous-préfecture):
    code, seat (`PREFECTURE` or `SOUS_PREFECTURE`), departement_code (str). The arrondissement whose chef-lieu
    is the préfecture counts once, as the préfecture."""
    departements = _entries(departements_path, ("code", "chefLieu"))
    arrondissements = _entries(arrondissements_path, ("code", "departement", "chefLieu"))
    readers.check_count(DATASET_ID, arrondissements_path, len(arrondissements), *ARRONDISSEMENT_ROWS, "arrondissements")
    prefectures = {entry["chefLieu"]: entry["code"] for entry in departements}
    seats = [(code, PREFECTURE, departement) for code, departement in prefectures.items()]
    seats += [
        (entry["chefLieu"], SOUS_PREFECTURE, entry["departement"])
        for entry in arrondissements
        if entry["chefLieu"] not in prefectures
    ]
    frame = pd.DataFrame(seats, columns=["code", "seat", "departement_code"]).astype("str")
    return readers.validate(DATASET_ID, arrondissements_path, frame, SEATS_SCHEMA)


def load_seats() -> pd.DataFrame:
    """Préfectures and sous-préfectures of France (`parse_seats`)."""
    return parse_seats(fetch(DATASET_ID, DEPARTEMENTS_FILE), fetch(DATASET_ID, ARRONDISSEMENTS_FILE))
