"""A tiny processed store, written at test time, for the dashboard tests (not real data)."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

FINESS_CITATION = "Éditeur FINESS de test, FINESS (test) (extraction de test)"
DATASETS = [
    {
        "id": "decoupage-administratif-6.0.0",
        "title": "Découpage administratif (test)",
        "publisher": "Éditeur géographique de test",
        "vintage": "COG test",
        "licence": "Licence de test",
        "page_url": "https://example.org/decoupage",
        "caveats": ["Réserve de test sur les territoires."],
        "citation": "Éditeur géographique de test, Découpage administratif (test) (COG test)",
    },
    {
        "id": "finess-fhir-20210108-hdf",
        "title": "FINESS (test)",
        "publisher": "Éditeur FINESS de test",
        "vintage": "extraction de test",
        "licence": "Licence de test",
        "page_url": "https://example.org/finess",
        "caveats": [],
        "citation": FINESS_CITATION,
    },
]
RESIDENCE_TYPES = {
    "labels": {
        "generaliste": "Résidence sociale généraliste",
        "pension_de_famille": "Pension de famille",
        "residence_accueil": "Résidence accueil",
        "fjt": "Foyer de jeunes travailleurs",
        "chrs": "CHRS",
    },
    "residence_sociale": ["generaliste", "pension_de_famille", "residence_accueil", "fjt"],
    "hebergement": ["chrs"],
}


#: Role → dataset id, as the build writes it (`loaders.build.DATASET_ROLES`).
DATASET_ROLES = {"territories": "decoupage-administratif-6.0.0", "establishments": "finess-fhir-20210108-hdf"}


def write_tiny_store(data_dir: Path) -> Path:
    """Write `<data_dir>/processed/`: 2 EPCI, 3 communes, 5 establishments (4 résidences sociales)."""
    processed = data_dir / "processed"
    processed.mkdir(parents=True)
    territories = gpd.GeoDataFrame(
        {
            "level": ["epci", "epci", "commune", "commune", "commune"],
            "code": ["200000001", "200000002", "02001", "02002", "59001"],
            "name": ["CC Une", "CA Deux", "Aval", "Bourg", "Cité"],
        },
        geometry=[box(0, 0, 2, 1), box(2, 0, 4, 1), box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 4, 1)],
        crs="EPSG:4326",
    )
    territories.to_parquet(processed / "territories.parquet")
    pd.DataFrame(
        {
            "level": ["epci", "epci"],
            "code": ["200000001", "200000002"],
            "indicator": ["population", "population"],
            "value": [1200.0, 45000.0],
            "source": ["decoupage-administratif-6.0.0"] * 2,
            "vintage": ["COG test"] * 2,
            "coverage": [1.0, 1.0],
        }
    ).to_parquet(processed / "indicators.parquet")
    pd.DataFrame(
        {
            "finess": ["020000001", "020000002", "590000001", "590000002", "590000004"],
            "type": ["pension_de_famille", "pension_de_famille", "fjt", "generaliste", "chrs"],
            "family": ["residence_sociale"] * 4 + ["hebergement"],
            "source": [FINESS_CITATION] * 5,
        }
    ).to_parquet(processed / "residences.parquet")
    pd.DataFrame(
        {
            "series": ["population"] * 2,
            "level": ["epci"] * 2,
            "code": ["200000001"] * 2,
            "year": [2018, 2023],
            "value": [1150.0, 1200.0],
            "coverage": [1.0, 1.0],
            "months": pd.array([None, None], dtype="Int64"),
        }
    ).to_parquet(processed / "series.parquet")
    (processed / "coverage.json").write_text(json.dumps({"built_at": "2026-03-15T09:30:00+00:00"}), encoding="utf-8")
    catalogue = {
        "datasets": DATASETS,
        "dataset_roles": DATASET_ROLES,
        "indicators": [],
        "residence_types": RESIDENCE_TYPES,
    }
    (processed / "catalogue.json").write_text(json.dumps(catalogue, ensure_ascii=False), encoding="utf-8")
    return data_dir
