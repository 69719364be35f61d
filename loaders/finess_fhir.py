"""FINESS establishments from the FHIR R4 NDJSON conversion (flrt/finess-fhir) of the extract of 2021-01-08.

Each `Organization` line (one establishment) is followed by its `Location` line, joined by
`Location.managingOrganization.reference == "Organization/" + Organization.id`. JSON paths are those of
finess-fhir-20210108-hdf/PROVENANCE.md. Positions of overseas establishments are wrong in the conversion
(UTM read as Lambert-93): they are set missing and counted in `frame.attrs["overseas_positions_dropped"]`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from loaders import catalogue
from loaders.errors import SourceError
from loaders.fetch import fetch
from loaders.finess_common import (
    ESTABLISHMENTS,
    clean_opening_date,
    departement_from_finess,
    is_overseas,
)
from loaders.readers import check_count, iter_ndjson, validate

HDF_DATASET_ID = "finess-fhir-20210108-hdf"
FRANCE_HOUSING_DATASET_ID = "finess-fhir-20210108-france-housing"

FINESS_SYSTEM = "urn:oid:1.2.250.1.71.4.2.2"
CATEGORY_SYSTEM = "http://finess.sante.gouv.fr/valuesets/CAT_ETAB"
AGGREGATE_SYSTEM = "http://finess.sante.gouv.fr/valuesets/CAT_AGR_ETAB"
PERIOD_EXTENSION = "http://hl7.org/fhir/StructureDefinition/organization-period"
REFERENCE_PREFIX = "Organization/"

TEXT_COLUMNS = [column for column in ESTABLISHMENTS.columns if column not in ("lon", "lat")]


@dataclass(frozen=True)
class Extract:
    """What a filtered extract must contain (exact count of Organizations its PROVENANCE gives, its filter)."""

    organizations: tuple[int, int]
    departements: frozenset[str] | None = None
    categories: frozenset[str] | None = None


EXTRACTS = {
    HDF_DATASET_ID: Extract((8_584, 8_584), departements=frozenset({"02", "59", "60", "62", "80"})),
    FRANCE_HOUSING_DATASET_ID: Extract(
        (6_134, 6_134),
        categories=frozenset(
            {"259", "258", "257", "256", "214", "219", "443", "442", "216", "180", "213", "165", "218", "271", "324"}
        ),
    ),
}


def extraction_date(dataset_id: str) -> str:
    """The extraction date (YYYY-MM-DD) the catalogue gives as the dataset's vintage."""
    day, month, year = re.search(r"(\d{2})/(\d{2})/(\d{4})", catalogue.get(dataset_id).vintage).groups()
    return f"{year}-{month}-{day}"


def _organization(resource: dict) -> dict:
    finess = next(item["value"] for item in resource["identifier"] if item["system"] == FINESS_SYSTEM)
    codings = {coding["system"]: coding for coding in resource["type"][0]["coding"]}
    address = resource["address"][0]
    period = next(
        (item["valuePeriod"] for item in resource.get("extension", []) if item["url"] == PERIOD_EXTENSION), {}
    )
    finess_ej, _, id_finess = resource["id"].partition("-")
    if id_finess != finess:
        raise ValueError(f"identifiant {resource['id']} incohérent avec le numéro FINESS {finess}")
    return {
        "id": resource["id"],
        "finess": finess,
        "finess_ej": finess_ej,
        "name": resource["name"].strip(),
        "category_code": codings[CATEGORY_SYSTEM]["code"],
        "category_label": codings[CATEGORY_SYSTEM]["display"],
        "aggregate_code": codings[AGGREGATE_SYSTEM]["code"],
        "postal_code": address["postalCode"],
        "city": address["city"].strip(),
        "opening_date": period.get("start"),
        "updated": resource["meta"]["lastUpdated"][:10],
    }


def _read_resources(dataset_id: str, path: Path) -> tuple[list[dict], dict[str, tuple[float, float]]]:
    organizations, positions = [], {}
    for resource in iter_ndjson(dataset_id, path):
        kind = resource.get("resourceType")
        try:
            if kind == "Organization":
                organizations.append(_organization(resource))
            elif kind == "Location":
                reference = resource["managingOrganization"]["reference"].removeprefix(REFERENCE_PREFIX)
                if reference in positions:
                    raise ValueError(f"deux Location pour {reference}")
                position = resource.get("position", {})
                positions[reference] = (position.get("longitude", np.nan), position.get("latitude", np.nan))
            else:
                raise ValueError(f"ressource de type inattendu {kind!r}")
        except (KeyError, IndexError, StopIteration, AttributeError, TypeError, ValueError) as exc:
            detail = f"champ manquant {exc}" if isinstance(exc, KeyError) else str(exc) or type(exc).__name__
            raise SourceError(dataset_id, path, f"{kind} {resource.get('id', '?')} : {detail}") from exc
    return organizations, positions


def parse(path: Path, dataset_id: str, *, expected_organizations: tuple[int, int] | None = None) -> pd.DataFrame:
    """Tidy establishments (see `finess_common`) of one FHIR NDJSON extract."""
    extract = EXTRACTS[dataset_id]
    organizations, positions = _read_resources(dataset_id, path)
    minimum, maximum = expected_organizations or extract.organizations
    check_count(dataset_id, path, len(organizations), minimum, maximum, "établissements (Organization)")
    frame = pd.DataFrame(organizations)
    orphans = sorted(set(positions) - set(frame["id"]))
    if orphans:
        raise SourceError(dataset_id, path, f"Location rattachée à une Organization absente : {', '.join(orphans[:5])}")
    coordinates = frame["id"].map(positions)
    located = coordinates.notna()
    frame["lon"] = coordinates.map(lambda pair: pair[0], na_action="ignore").astype("float64")
    frame["lat"] = coordinates.map(lambda pair: pair[1], na_action="ignore").astype("float64")
    frame["departement_code"] = frame["finess"].map(departement_from_finess)
    frame["commune_code"] = None
    frame["opening_date"] = clean_opening_date(frame["opening_date"].astype("str"))
    _check_filter(dataset_id, path, frame, extract)
    vintage = extraction_date(dataset_id)
    if frame["updated"].max() > vintage:
        raise SourceError(
            dataset_id, path, f"mise à jour {frame['updated'].max()} postérieure à l'extraction {vintage}"
        )
    overseas = is_overseas(frame["departement_code"]) & frame["lon"].notna()
    frame.loc[overseas, ["lon", "lat"]] = np.nan
    frame = frame.astype(dict.fromkeys(TEXT_COLUMNS, "str"))[list(ESTABLISHMENTS.columns)]
    frame = validate(dataset_id, path, frame, ESTABLISHMENTS)
    frame.attrs = {
        "extraction_date": vintage,
        "organizations_without_location": int((~located).sum()),
        "overseas_positions_dropped": int(overseas.sum()),
    }
    return frame


def _check_filter(dataset_id: str, path: Path, frame: pd.DataFrame, extract: Extract) -> None:
    for column, allowed in (("departement_code", extract.departements), ("category_code", extract.categories)):
        if allowed is None:
            continue
        unexpected = sorted(set(frame[column]) - allowed)
        if unexpected:
            raise SourceError(dataset_id, path, f"{column} hors du filtre de l'extrait : {', '.join(unexpected[:5])}")


def load_hdf() -> pd.DataFrame:
    """Every establishment of the Hauts-de-France départements (all categories)."""
    return parse(fetch(HDF_DATASET_ID, "finess-etablissements-hdf.ndjson"), HDF_DATASET_ID)


def load_france_housing() -> pd.DataFrame:
    """Hébergement and logement accompagné establishments of all France (15 categories)."""
    return parse(
        fetch(FRANCE_HOUSING_DATASET_ID, "finess-etablissements-hebergement-logement-accompagne.ndjson"),
        FRANCE_HOUSING_DATASET_ID,
    )
