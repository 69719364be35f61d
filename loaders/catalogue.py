"""Declarative catalogue of every source dataset the product uses.

One `Dataset` per folder of the open-data mirror (`<theme>/<id>/`), plus the official live
sources those folders were taken from. Loaders look datasets up here by id; nothing else
in the code base hard-codes a URL, a licence or a vintage.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

LICENCE_OUVERTE = "Licence Ouverte / Open Licence 2.0 (Etalab)"


@dataclass(frozen=True)
class SourceFile:
    """One file of a dataset.

    `name` is the file name in the mirror folder. `url` is where the official publisher
    serves it (None when the mirror file is a filtered extract with no download of its
    own). `member` names the file inside a zip/tar archive served at `url`.
    `datagouv` resolves the newest data.gouv.fr resource of a dataset whose title matches
    a regular expression, for publishers who rename files at every release.
    """

    name: str
    url: str | None = None
    member: str | None = None
    sha256: str | None = None
    datagouv: tuple[str, str] | None = None


@dataclass(frozen=True)
class Dataset:
    """A source dataset, as published."""

    id: str
    short: str
    theme: str
    title: str
    publisher: str
    licence: str
    vintage: str
    format: str
    level: str
    page_url: str
    files: tuple[SourceFile, ...]
    in_mirror: bool = True
    notes: str = ""
    caveats: tuple[str, ...] = field(default_factory=tuple)

    @property
    def mirror_path(self) -> str:
        return f"{self.theme}/{self.id}" if self.theme else self.id

    def file(self, name: str) -> SourceFile:
        for source_file in self.files:
            if source_file.name == name:
                return source_file
        raise KeyError(f"{self.id} has no file named {name!r}")

    @property
    def citation(self) -> str:
        """Short French source line with its vintage, e.g. 'Insee, Filosofi 2021'."""
        return self.short


_DECOUPAGE_TGZ = "https://registry.npmjs.org/@etalab/decoupage-administratif/-/decoupage-administratif-6.0.0.tgz"
_ETALAB_CONTOURS = "https://etalab-datasets.geo.data.gouv.fr/contours-administratifs/2024/geojson"
_NGEOFR = "https://raw.githubusercontent.com/bellice/ngeofr-maps/fe22c874fd8b37937fd95e92f9e0059ec06b9089/public/fra"
_FRANCE_GEOJSON = (
    "https://raw.githubusercontent.com/gregoiredavid/france-geojson/"
    "5d34ee6d0140c29f785fdb047d9329f1aab58833/departements"
)
_BAROMETRE = (
    "https://raw.githubusercontent.com/etalab/barometre-resultats-donnees/"
    "825d445459e2c0528811d8d511259e8682981784/secteur-action-publique/logement-ville"
)
_FINESS_DATASET = "finess-extraction-du-fichier-des-etablissements"
_LOYERS = (
    "https://static.data.gouv.fr/resources/"
    "carte-des-loyers-indicateurs-de-loyers-dannonce-par-commune-en-2018/20201203-114600"
)


REGIONAL_EXTRACT_NOTE = (
    "Extrait régional du miroir, non lu par la construction : elle lit le fichier national {national} "
    "(mêmes octets pour les lignes de la région) et garde les communes de la région construite."
)
#: The 101 département files of the national commune polygons: name, sha256 and number of communes.
COMMUNE_POLYGON_MANIFEST = Path(__file__).parent / "manifests" / "france-geojson-communes-2018-france.csv"


@cache
def commune_polygon_files() -> tuple[dict[str, str], ...]:
    """Rows of `COMMUNE_POLYGON_MANIFEST`: departement, name, communes, sha256 (str)."""
    with COMMUNE_POLYGON_MANIFEST.open(encoding="utf-8", newline="") as manifest:
        return tuple(csv.DictReader(manifest))


def commune_polygon_filename(dep: str, name: str) -> str:
    """« communes-02-aisne.geojson »."""
    return f"communes-{dep}-{name}.geojson"


def _commune_polygons(dep: str, name: str, sha256: str) -> SourceFile:
    filename = commune_polygon_filename(dep, name)
    return SourceFile(filename, f"{_FRANCE_GEOJSON}/{dep}-{name}/{filename}", sha256=sha256)


def _barometre(kind: str, level: str, sha256: str) -> SourceFile:
    filename = f"barometre-resultats-logement-ville-{kind}-{level}.csv"
    return SourceFile(filename, f"{_BAROMETRE}/{filename}", sha256=sha256)


DATASETS: tuple[Dataset, ...] = (
    Dataset(
        id="decoupage-administratif-6.0.0",
        short="Etalab, découpage administratif 6.0.0 (COG 2026, EPCI 2025)",
        theme="geo",
        title="Découpage administratif (communes, EPCI, départements, régions)",
        publisher="Etalab / DINUM d'après Insee (COG) et DGCL",
        licence=LICENCE_OUVERTE,
        vintage="COG 2026, composition des EPCI au 1er janvier 2025, populations légales 2023",
        format="JSON (paquet npm @etalab/decoupage-administratif 6.0.0)",
        level="commune, EPCI, département, région",
        page_url="https://github.com/datagouv/decoupage-administratif",
        files=tuple(
            SourceFile(name, _DECOUPAGE_TGZ, member=f"package/data/{name}", sha256=sha)
            for name, sha in (
                ("communes.json", "6cafec09b4e127d08edc47f366b28261bee70cca323fbfcb957dd169fcad9284"),
                ("epci.json", "40758ace686311837c484da81c2a8ba00a9f356bc6210f3316c6b19daa4dc967"),
                ("departements.json", "1ebe7e0ad0a49653c899087194344ec67f7115b728c4e1b98f741bd655b545e0"),
                ("regions.json", "98cb7c781d09577634b9e104dfbb92e39a0d10ae0e1c6c20978a49a474e1dba5"),
                ("arrondissements.json", "065cb02c593c7e9f070347e4e9dcdb6da4c2b746de1a9e066d5fd4bd5b94c71f"),
            )
        ),
        caveats=("Noms des communes au COG 2026, noms des membres d'EPCI en 2025 : jointures sur les codes.",),
    ),
    Dataset(
        id="etalab-contours-administratifs-2024-1000m",
        short="Etalab / IGN, contours administratifs 2024",
        theme="geo",
        title="Contours administratifs simplifiés à 1 000 m",
        publisher="Etalab / DINUM d'après IGN Admin Express",
        licence=LICENCE_OUVERTE,
        vintage="édition 2024 (périmètres identiques en 2025 pour les EPCI des Hauts-de-France)",
        format="GeoJSON (WGS84)",
        level="EPCI, département, région",
        page_url="https://www.data.gouv.fr/fr/datasets/contours-administratifs/",
        files=(
            SourceFile(
                "epci-1000m.geojson",
                f"{_ETALAB_CONTOURS}/epci-1000m.geojson",
                sha256="13fb1dcbe986dc4d7b913adbf37b5b27cf5745590a1a493ef2387359531740e5",
            ),
            SourceFile(
                "departements-1000m.geojson",
                f"{_ETALAB_CONTOURS}/departements-1000m.geojson",
                sha256="1fbe757c45d3f1717a42883ea3ba752934dace010ceaf3b6d30311fea95715fe",
            ),
            SourceFile(
                "regions-1000m.geojson",
                f"{_ETALAB_CONTOURS}/regions-1000m.geojson",
                sha256="af77c7ded9d3b29629918faa3343d0409b5d936d7e1d796df34ad6e0d29af5d0",
            ),
        ),
        caveats=("Quelques géométries invalides (auto-intersections) réparées par make_valid().",),
    ),
    Dataset(
        id="ngeofr-maps-cog2025",
        short="IGN Admin Express COG 2025 (ngeofr-maps)",
        theme="geo",
        title="Couches généralisées de la France métropolitaine (ngeofr-maps)",
        publisher="IGN Admin Express COG 2025, généralisation ngeofr-maps (bellice)",
        licence=LICENCE_OUVERTE + " ; code de traitement MIT",
        vintage="COG 2025",
        format="GeoParquet (Lambert-93)",
        level="EPCI, département, région ; centroïdes des communes et EPCI",
        page_url="https://github.com/bellice/ngeofr-maps",
        files=tuple(
            SourceFile(name, f"{_NGEOFR}/{name}", sha256=sha)
            for name, sha in (
                (
                    "com-fra-2025-centroid-gen.parquet",
                    "a24580d794be5882f249ff63c5d72390485ada4379defe9de3b7f912e11b615c",
                ),
                (
                    "epci-fra-2025-centroid-gen.parquet",
                    "f13e97c874e8e0f436c4dc274aa362aca31d250531950beb9c55b2777e5766ec",
                ),
                (
                    "epci-fra-2025-surface-gen.parquet",
                    "c7c6eb05922ea1e74925ced1bb8ba45336b5ace3ddaac7c7596beb768fa6b9da",
                ),
                (
                    "dep-fra-2025-surface-gen.parquet",
                    "8fe76d430861fd64c2a96d4d9eff975db6d3ee12a45fa61d7046d7fc2f2c0101",
                ),
                (
                    "reg-fra-2025-surface-gen.parquet",
                    "b1c83be7de8aaf36d8b09686b189e0886fcb14c2afd79419815504c6b09b1f8a",
                ),
            )
        ),
    ),
    Dataset(
        id="france-geojson-communes-hdf-2018",
        short="IGN Admin Express 2018 (france-geojson), extrait Hauts-de-France",
        theme="geo",
        title="Contours des communes des Hauts-de-France (france-geojson)",
        publisher="IGN Admin Express 2018 et Insee COG 2018, simplification france-geojson (G. David)",
        licence=LICENCE_OUVERTE,
        vintage="COG 2018 (fusionné aux codes courants par anciensCodes)",
        format="GeoJSON (WGS84), un fichier par département",
        level="commune",
        page_url="https://france-geojson.gregoiredavid.fr/",
        files=(
            _commune_polygons("02", "aisne", "8ce7cad378381ed56213ec1f353578b8c9507d79b71648eea65066e5870372af"),
            _commune_polygons("59", "nord", "40d3104bf4b5a9ecdebaad01c85da46e72849a864b46a498af0ec23c5b6f5946"),
            _commune_polygons("60", "oise", "642df998503534ffce97edf278929d81303033093bfa671af9512442a236d09e"),
            _commune_polygons(
                "62", "pas-de-calais", "d25243420aea3ed2613cb14928e83c3201b5395dc8e6f9c3905b76de94c21fa2"
            ),
            _commune_polygons("80", "somme", "8aaf6f0f345c7d65ec7f3f3efd69a8db98f7966f07b379e32d60180866e8cf57"),
        ),
        notes=REGIONAL_EXTRACT_NOTE.format(national="france-geojson-communes-2018-france"),
    ),
    Dataset(
        id="finess-fhir-20210108-hdf",
        short="FINESS (DREES), extraction du 08/01/2021",
        theme="finess",
        title="FINESS, établissements des Hauts-de-France (conversion FHIR), extrait régional",
        publisher="Ministère des Solidarités et de la Santé (DREES), FINESS ; conversion flrt/finess-fhir",
        licence=LICENCE_OUVERTE,
        vintage="extraction du 08/01/2021",
        format="FHIR R4 NDJSON (Organization + Location)",
        level="établissement (point)",
        page_url=f"https://www.data.gouv.fr/fr/datasets/{_FINESS_DATASET}/",
        files=(
            SourceFile(
                "finess-etablissements-hdf.ndjson",
                sha256="4183c93a989c677e48b65e5abebef8ae00bdd1bb41bcde7acb536e06d2433e0e",
            ),
        ),
        notes="Extrait filtré (départements 02, 59, 60, 62, 80) : pas de téléchargement propre. "
        + REGIONAL_EXTRACT_NOTE.format(national="finess-fhir-20210108-france-housing"),
        caveats=("Aucune capacité (nombre de places) dans l'extraction.", "Instantané de janvier 2021."),
    ),
    Dataset(
        id="finess-fhir-20210108-france-housing",
        short="FINESS (DREES), extraction du 08/01/2021",
        theme="finess",
        title="FINESS, hébergement et logement accompagné, France entière (conversion FHIR)",
        publisher="Ministère des Solidarités et de la Santé (DREES), FINESS ; conversion flrt/finess-fhir",
        licence=LICENCE_OUVERTE,
        vintage="extraction du 08/01/2021",
        format="FHIR R4 NDJSON (Organization + Location)",
        level="établissement (point)",
        page_url=f"https://www.data.gouv.fr/fr/datasets/{_FINESS_DATASET}/",
        files=(
            SourceFile(
                "finess-etablissements-hebergement-logement-accompagne.ndjson",
                sha256="ce43d23a73c1f9be9ddf6e836b245eaea46e6fd89fb2258c78bce232569abe51",
            ),
        ),
        notes="Extrait filtré (15 catégories d'hébergement et de logement accompagné) : pas de "
        "téléchargement propre ; hors miroir, utiliser finess-extraction-etablissements.",
        caveats=(
            "Aucune capacité (nombre de places) dans l'extraction.",
            "Positions des 78 établissements d'outre-mer erronées dans la conversion.",
        ),
    ),
    Dataset(
        id="finess-categories-nomenclature-2021",
        short="FINESS (DREES), nomenclature 2021",
        theme="finess",
        title="FINESS, nomenclature des catégories et agrégats d'établissements",
        publisher="Ministère des Solidarités et de la Santé (DREES), FINESS",
        licence=LICENCE_OUVERTE,
        vintage="extraction du 08/01/2021",
        format="CSV (UTF-8, virgule)",
        level="nomenclature",
        page_url="https://mos.esante.gouv.fr/NOS/TRE_R66-CategorieEtablissement/",
        files=(
            SourceFile("finess-categories-20210108.csv"),
            SourceFile("finess-aggregates-20210108.csv"),
        ),
        notes="Table construite à partir des codages de l'extraction du 08/01/2021.",
    ),
    Dataset(
        id="finess-extraction-etablissements",
        short="FINESS (DREES), dernière extraction",
        theme="finess",
        title="FINESS Extraction du Fichier des établissements (géolocalisés)",
        publisher="Ministère des Solidarités et de la Santé (DREES), FINESS",
        licence=LICENCE_OUVERTE,
        vintage="dernière extraction publiée (historique figé en mai 2026)",
        format="CSV sans en-tête (lignes structureet et geolocalisation, ';', cp1252)",
        level="établissement (point)",
        page_url=f"https://www.data.gouv.fr/fr/datasets/{_FINESS_DATASET}/",
        files=(
            SourceFile(
                "etablissements.csv",
                datagouv=(_FINESS_DATASET, r"etalab[-_]cs1100507[-_]stock[-_].*\.csv"),
            ),
        ),
        in_mirror=False,
        notes="Source officielle vivante des extraits FHIR du miroir.",
        caveats=("Aucune capacité (nombre de places) dans l'extraction.",),
    ),
    Dataset(
        id="barometre-logement-dabord-dihal",
        short="Dihal, Baromètre Logement d'abord (2017–2022)",
        theme="homelessness",
        title="Baromètre des résultats de l'action publique, Logement d'abord",
        publisher="Dihal / Etalab (Baromètre des résultats de l'action publique)",
        licence=LICENCE_OUVERTE,
        vintage="décembre 2017 – novembre 2022 (données du 18/01/2023)",
        format="CSV (UTF-8, virgule)",
        level="département, région, France (mensuel)",
        page_url="https://www.data.gouv.fr/fr/datasets/barometre-des-resultats-de-laction-publique/",
        files=(
            _barometre("detail", "departemental", "d5b1a15afb4f0103e2b0fd01a61dda1aec5c78a071af863026dc9235b97b6a80"),
            _barometre("detail", "regional", "5cc806d7a17fb63248ffaa7746db16c2faa8eab4438940f0333aed8ffa1c54d2"),
            _barometre("detail", "national", "6742fb0aabe98a7fc7823ed2a7be6617e6507e05081770cd162d17431d977098"),
            _barometre("synthese", "departemental", "e58c98989ef3b2354fa1efe9c30bfb30e441c7208d7f80ff3c3e27f089759cc3"),
            _barometre("synthese", "regional", "0fa69e4ca1dc5973aa4480850e659c53015ddff68e66ad3c1240c9ad16fc2e9b"),
            _barometre("synthese", "national", "60bf5c5089f0ea5afaf4f962c9845922e499f87f2e112779b14b9a648005bccd"),
        ),
        caveats=(
            "Valeurs estimées (ménages × 2,2) et cumulées depuis janvier de chaque année.",
            "Janvier à avril 2018 : pas de donnée mensuelle (0 publié) ; la valeur de mai 2018 cumule déjà depuis janvier.",
            "2022 : janvier à novembre seulement.",
        ),
    ),
    Dataset(
        id="insee-filosofi-com-2021-geo2024",
        short="Insee, Filosofi 2021, extrait Hauts-de-France",
        theme="housing",
        title="Filosofi, revenus et pauvreté des communes",
        publisher="Insee",
        licence=LICENCE_OUVERTE,
        vintage="revenus 2021, géographie au 1er janvier 2024",
        format="CSV (';', virgule décimale)",
        level="commune",
        page_url="https://www.insee.fr/fr/statistiques/7756729",
        files=(
            SourceFile(
                "cc_filosofi_2021_COM_hdf.csv",
                "https://www.insee.fr/fr/statistiques/fichier/7756729/base-cc-filosofi-2021-geo2024_csv.zip",
                member="cc_filosofi_2021_COM.csv",
            ),
        ),
        notes=REGIONAL_EXTRACT_NOTE.format(national="insee-filosofi-com-2021-geo2024-france"),
    ),
    Dataset(
        id="insee-filosofi-2019-disp-supra",
        short="Insee, Filosofi 2019 (EPCI, départements, régions)",
        theme="housing",
        title="Filosofi, structure et distribution des revenus en 2019 (niveaux supra-communaux)",
        publisher="Insee",
        licence=LICENCE_OUVERTE,
        vintage="revenus 2019, EPCI dans leur périmètre d'avant 2020",
        format="CSV (';', virgule décimale, UTF-8)",
        level="EPCI, département, région, France métropolitaine",
        page_url="https://www.insee.fr/fr/statistiques/6036907",
        files=tuple(
            SourceFile(
                name,
                "https://www.insee.fr/fr/statistiques/fichier/6036907/indic-struct-distrib-revenu-2019-SUPRA_csv.zip",
                member=name,
            )
            for name in (
                "FILO2019_DISP_EPCI.csv",
                "FILO2019_DISP_DEP.csv",
                "FILO2019_DISP_REG.csv",
                "FILO2019_DISP_METROPOLE.csv",
            )
        ),
        caveats=(
            "Valeurs officielles de l'Insee pour chaque EPCI, mais revenus 2019 et périmètres d'avant 2020 : "
            "la Métropole européenne de Lille est publiée sous son ancien SIREN 245900410, sans la CC de la "
            "Haute-Deûle qui l'a rejointe en 2020 ; trois autres EPCI ont gagné ou perdu une commune depuis.",
            "Pas de taux de pauvreté dans ces fichiers (publié à part par l'Insee, absent du miroir).",
            "« France » = France métropolitaine.",
        ),
    ),
    Dataset(
        id="sdes-rpls-2024-commune-extract",
        short="SDES, RPLS au 1er janvier 2024 (extrait dérivé)",
        theme="housing",
        title="Parc locatif social au 1er janvier 2024 par commune (extrait dérivé du classeur RPLS)",
        publisher="SDES (ministère chargé du logement), RPLS ; extrait de 8 colonnes fait par un tiers (dataforgoodfr)",
        licence=LICENCE_OUVERTE,
        vintage="parc au 1er janvier 2024, géographie COG 2024",
        format="CSV (virgule, point décimal, UTF-8)",
        level="commune (France entière)",
        page_url="https://www.statistiques.developpement-durable.gouv.fr/le-parc-locatif-social-au-1er-janvier-2024",
        files=(
            SourceFile(
                "lgt_soc_2024_extracted.csv",
                sha256="309bdf1bebd44299563cef7d17335560dd0359b2e7d0fbbd1e8fcb3fbcd7c90e",
            ),
        ),
        notes="EXTRAIT DÉRIVÉ, pas le fichier de l'éditeur : 8 colonnes de la feuille COMMUNES du classeur officiel, "
        "écrites par un carnet pandas de 10 lignes. Hors miroir, la construction lit le classeur officiel "
        "(sdes-rpls-2024-communes-officiel) avec la même transformation.",
        caveats=(
            "Extrait dérivé du RPLS 2024 : à remplacer par le classeur officiel dès qu'il peut être téléchargé.",
            "Une commune absente du fichier n'a aucun logement social au RPLS (0, pas une donnée manquante).",
            "Au-dessus de la commune, vacance et rotation sont des moyennes des communes pondérées par leur parc "
            "social : approximation des taux que le SDES publierait.",
        ),
    ),
    Dataset(
        id="sdes-rpls-2024-communes-officiel",
        short="SDES, RPLS au 1er janvier 2024",
        theme="housing",
        title="Le parc locatif social au 1er janvier 2024, résultats par commune (classeur officiel)",
        publisher="SDES (ministère chargé du logement), RPLS",
        licence=LICENCE_OUVERTE,
        vintage="parc au 1er janvier 2024, géographie COG 2024",
        format="XLSX (feuille COMMUNES, 5 lignes d'en-tête)",
        level="commune (France entière)",
        page_url="https://www.statistiques.developpement-durable.gouv.fr/le-parc-locatif-social-au-1er-janvier-2024",
        files=(
            SourceFile(
                "resultats_rpls_2024.xlsx",
                "https://www.statistiques.developpement-durable.gouv.fr/media/7970/download?inline",
            ),
        ),
        in_mirror=False,
        notes="Source officielle de l'extrait dérivé du miroir ; lue seulement sans miroir.",
    ),
    Dataset(
        id="anil-dhup-carte-loyers-2018-com",
        short="DHUP/ANIL, carte des loyers 2018 (estimations UMR 1041 CESAER (AgroSup Dijon-INRAE) à partir des "
        "données SeLoger, leboncoin, pap.fr)",
        theme="housing",
        title="Carte des loyers : indicateurs de loyers d'annonce par commune en 2018",
        publisher="Ministère chargé du logement (DHUP) et ANIL ; estimations UMR 1041 CESAER (AgroSup Dijon-INRAE) à "
        "partir des données SeLoger, leboncoin, pap.fr",
        licence=LICENCE_OUVERTE + " ; mention obligatoire « Estimations UMR 1041 CESAER (AgroSup Dijon-INRAE) "
        "à partir des données SeLoger, leboncoin, pap.fr »",
        vintage="loyers d'annonce du 3e trimestre 2018 (annonces 2015–2019), géographie COG 2017",
        format="CSV (';', virgule décimale, UTF-8)",
        level="commune (France entière)",
        page_url="https://www.data.gouv.fr/fr/datasets/carte-des-loyers-indicateurs-de-loyers-dannonce-par-commune-en-2018/",
        files=(
            SourceFile(
                "indicateurs-loyers-appartements.csv",
                f"{_LOYERS}/indicateurs-loyers-appartements.csv",
                sha256="21c35168c6e1d8edd92e003349a0bbf69df8c3f3672cad0d15e5f45ad3cc46f6",
            ),
            SourceFile(
                "indicateurs-loyers-maisons.csv",
                f"{_LOYERS}/indicateurs-loyers-maisons.csv",
                sha256="48ebf642fdcb8e7242ad5f1751b264bbf25d90c7e0b4d2891a9ed06a5c39ea42",
            ),
        ),
        caveats=(
            "Loyers d'annonce charges comprises (relocations), pas les loyers des locataires en place.",
            "Chaque valeur est estimée à l'échelle de la commune, de l'EPCI ou d'un groupe de communes voisines "
            "(« maille ») selon le nombre d'annonces : le niveau d'estimation est donné avec la valeur.",
            "Au-dessus de la commune : moyenne des communes pondérée par leur population (approximation).",
        ),
    ),
    Dataset(
        id="insee-comparateur-territoires-com-ed2021",
        short="Insee, recensement 2018, extrait Hauts-de-France",
        theme="housing",
        title="Comparateur de territoires, base communale",
        publisher="Insee",
        licence=LICENCE_OUVERTE,
        vintage="recensement 2018 (et 2013), géographie COG 2021",
        format="CSV (';', point décimal)",
        level="commune",
        page_url="https://www.insee.fr/fr/statistiques/2521169",
        files=(
            SourceFile(
                "base_cc_comparateur_hdf.CSV",
                "https://www.insee.fr/fr/statistiques/fichier/2521169/base_cc_comparateur_csv.zip",
                member="base_cc_comparateur.CSV",
            ),
        ),
        notes=REGIONAL_EXTRACT_NOTE.format(national="insee-comparateur-territoires-com-ed2021-france"),
    ),
    Dataset(
        id="insee-populations-legales-com-2023",
        short="Insee, populations légales 2023, extrait Hauts-de-France",
        theme="housing",
        title="Populations légales des communes",
        publisher="Insee",
        licence=LICENCE_OUVERTE,
        vintage="millésime 2023 (en vigueur au 1er janvier 2026), géographie COG 2025",
        format="CSV (';', UTF-8)",
        level="commune, département",
        page_url="https://www.insee.fr/fr/statistiques/8680726",
        files=(
            SourceFile(
                "donnees_communes_hdf.csv",
                "https://www.insee.fr/fr/statistiques/fichier/8680726/ensemble.zip",
                member="donnees_communes.csv",
            ),
            SourceFile(
                "donnees_departements.csv",
                "https://www.insee.fr/fr/statistiques/fichier/8680726/ensemble.zip",
                member="donnees_departements.csv",
            ),
        ),
        notes=REGIONAL_EXTRACT_NOTE.format(national="insee-populations-legales-com-2023-france"),
    ),
    Dataset(
        id="cerema-lovac-dep-2020-2025",
        short="Cerema, LOVAC (2020–2025)",
        theme="housing",
        title="LOVAC, logements vacants du parc privé par ancienneté de vacance",
        publisher="Cerema / DGALN",
        licence=LICENCE_OUVERTE,
        vintage="situations au 1er janvier 2020 à 2025",
        format="CSV (';', cp1252, séparateur de milliers espace)",
        level="département",
        page_url="https://www.data.gouv.fr/fr/datasets/61816c6e23197bb34835228e/",
        files=(
            SourceFile(
                "lovac_opendata_dep.csv",
                datagouv=("61816c6e23197bb34835228e", r"lovac[-_]opendata[-_]dep.*\.csv"),
                sha256="177c3cbb3f71c5b4d11a1fd3fc770a58c09b494fcc40884e27add32c2163e9df",
            ),
        ),
        caveats=(
            "Parc privé seulement, définition fiscale de la vacance.",
            "Rupture de méthode probable en 2025 : pas de tendance 2024→2025.",
        ),
    ),
    Dataset(
        id="reference-figures",
        short="DREES, Dihal, préfecture de région (chiffres de référence)",
        theme="",
        title="Chiffres de référence (places DREES 2021, coûts unitaires, territoires accélérés)",
        publisher="DREES, Dihal, préfecture de région (recherche documentaire)",
        licence="faits publiés, cités avec leur éditeur",
        vintage="2019–2023",
        format="CSV (UTF-8, virgule)",
        level="région, France",
        page_url="https://drees.solidarites-sante.gouv.fr/",
        files=(SourceFile("reference_figures.csv"), SourceFile("accelerated_territories.csv")),
        notes="Tableaux collectés à la main : ordres de grandeur et valeurs par défaut, pas des données à cartographier.",
    ),
)

NATIONAL_NOTE = (
    "Fichier national : la construction le lit en entier et garde les communes de la région construite "
    "(le dossier régional du miroir en est un extrait, mêmes octets pour les lignes de la région)."
)

#: National files, read by every build (the mirror's regional extracts hold the same bytes for the région's rows).
NATIONAL_DATASETS: tuple[Dataset, ...] = (
    Dataset(
        id="france-geojson-communes-2018-france",
        short="IGN Admin Express 2018 (france-geojson)",
        theme="geo",
        title="Contours des communes de France (france-geojson), un fichier par département",
        publisher="IGN Admin Express 2018 et Insee COG 2018, simplification france-geojson (G. David)",
        licence=LICENCE_OUVERTE,
        vintage="COG 2018 (fusionné aux codes courants par anciensCodes)",
        format="GeoJSON (WGS84), un fichier par département",
        level="commune",
        page_url="https://france-geojson.gregoiredavid.fr/",
        files=tuple(
            _commune_polygons(row["departement"], row["name"], row["sha256"]) for row in commune_polygon_files()
        ),
        notes=NATIONAL_NOTE + " Seuls les fichiers des départements des communes du périmètre sont lus (ceux de "
        "la région et, pour les EPCI à cheval, ceux de leurs communes hors de la région).",
        caveats=(
            "7 communes recréées après 2018 sont dans le contour de la commune nouvelle de 2018 (aucune dans la région).",
        ),
    ),
    Dataset(
        id="insee-populations-legales-com-2023-france",
        short="Insee, populations légales 2023",
        theme="housing",
        title="Populations légales des communes, départements et régions (France entière)",
        publisher="Insee",
        licence=LICENCE_OUVERTE,
        vintage="millésime 2023 (en vigueur au 1er janvier 2026), géographie COG 2025",
        format="CSV (';', UTF-8)",
        level="commune, département, région",
        page_url="https://www.insee.fr/fr/statistiques/8680726",
        files=tuple(
            SourceFile(name, "https://www.insee.fr/fr/statistiques/fichier/8680726/ensemble.zip", member=name)
            for name in ("donnees_communes.csv", "donnees_departements.csv", "donnees_regions.csv")
        ),
        notes=NATIONAL_NOTE,
        caveats=(
            "Paris, Lyon et Marseille par arrondissement municipal : leurs arrondissements sont sommés.",
            "Mayotte absente du fichier.",
        ),
    ),
    Dataset(
        id="insee-filosofi-com-2021-geo2024-france",
        short="Insee, Filosofi 2021",
        theme="housing",
        title="Filosofi, revenus et pauvreté des communes (France entière)",
        publisher="Insee",
        licence=LICENCE_OUVERTE,
        vintage="revenus 2021, géographie au 1er janvier 2024",
        format="CSV (';', virgule décimale)",
        level="commune et arrondissement municipal",
        page_url="https://www.insee.fr/fr/statistiques/7756729",
        files=(
            SourceFile(
                "cc_filosofi_2021_COM.csv",
                "https://www.insee.fr/fr/statistiques/fichier/7756729/base-cc-filosofi-2021-geo2024_csv.zip",
                member="cc_filosofi_2021_COM.csv",
            ),
        ),
        notes=NATIONAL_NOTE,
        caveats=(
            "Secret statistique (« s ») pour la plupart des petites communes : taux de pauvreté "
            "publié pour 12 % des communes (70 % de la population).",
            "Médianes et taux non additifs : au-dessus de la commune, approximation pondérée.",
            "Paris, Lyon et Marseille y figurent comme communes et par arrondissement : seules les communes sont lues.",
        ),
    ),
    Dataset(
        id="insee-comparateur-territoires-com-ed2021-france",
        short="Insee, recensement 2018",
        theme="housing",
        title="Comparateur de territoires, base communale (France entière)",
        publisher="Insee",
        licence=LICENCE_OUVERTE,
        vintage="recensement 2018 (et 2013), Filosofi 2019, géographie COG 2021",
        format="CSV dans une archive zip (';', point décimal)",
        level="commune et arrondissement municipal",
        page_url="https://www.insee.fr/fr/statistiques/2521169",
        files=(
            SourceFile(
                "base_cc_comparateur_csv.zip",
                "https://www.insee.fr/fr/statistiques/fichier/2521169/base_cc_comparateur_csv.zip",
                sha256="311caa145141e60a7e61297a2e6038a2acba6d85b3a7763320b058076d2be9dc",
            ),
        ),
        notes=NATIONAL_NOTE,
        caveats=(
            "Millésime ancien (recensement 2018) faute de fichier plus récent hors ligne ; l'URL "
            "officielle sert désormais une édition plus récente aux colonnes différentes.",
            "Le code 60054 de 2021 couvre les communes actuelles 60054 et 60694.",
            "Paris, Lyon et Marseille y figurent comme communes et par arrondissement : seules les communes sont lues.",
        ),
    ),
)
DATASETS += NATIONAL_DATASETS

_BY_ID = {dataset.id: dataset for dataset in DATASETS}


def get(dataset_id: str) -> Dataset:
    """Return the dataset declared under `dataset_id`."""
    try:
        return _BY_ID[dataset_id]
    except KeyError:
        raise KeyError(f"unknown dataset {dataset_id!r}; declared: {', '.join(_BY_ID)}") from None
