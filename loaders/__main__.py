"""Command line: `python -m loaders build` and `python -m loaders report`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from geo.territories import FRANCE
from loaders import catalogue, fetch
from loaders.coverage_check import CoverageDropError
from loaders.errors import SourceError

REPORT_COMMAND = "python -m loaders report"

#: Readable French labels of the `detail` keys of coverage.json written in English.
DETAIL_LABELS = {
    "polygons_read": "polygones lus",
    "communes_with_polygon": "communes avec un contour",
    "merged": "communes actuelles formées de plusieurs communes de 2018",
    "codes_unmapped": "codes sans commune actuelle",
    "communes_without_polygon": "communes sans contour",
    "commune_without_contour": "communes sans contour",
    "epci_without_contour": "EPCI sans contour",
    "departement_without_contour": "départements sans contour",
    "region_without_contour": "régions sans contour",
    "epci_renamed": "EPCI renommés depuis le fichier des contours",
    "rows_outside_scope": "lignes hors périmètre",
    "codes_unknown": "codes inconnus",
    "codes_remapped": "anciens codes ramenés aux communes actuelles",
    "communes_from_merged_rows": "communes issues de lignes fusionnées",
    "communes_not_attributable": "communes non attribuables (code scindé)",
    "communes_without_row": "communes sans ligne",
    "localisation": "localisation des établissements",
}


def anomalies(coverage: dict) -> int:
    """Codes or points of the sources that no territory matched (each listed in coverage.json)."""
    return sum(len(figures.get("unmatched") or []) for figures in coverage["datasets"].values())


def datasets_read(coverage: dict) -> int:
    """Source datasets the build read (derived computations such as the estimated places left out)."""
    declared = {dataset.id for dataset in catalogue.DATASETS}
    return sum(1 for dataset_id in coverage["datasets"] if dataset_id in declared)


def verdict(coverage: dict) -> str:
    """One French line saying how the build went."""
    count = anomalies(coverage)
    accepted = len(coverage.get("baisses_de_couverture_acceptees") or [])
    drops = f", {accepted} baisse(s) de couverture acceptée(s)" if accepted else ""
    empty = len(coverage.get("indicateurs_sans_valeur") or [])
    without = f", {empty} indicateur(s) sans valeur dans le périmètre" if empty else ""
    return (
        f"Construction réussie en {coverage['seconds']:.0f} s : {datasets_read(coverage)} jeux de données, "
        f"{count} anomalie{'s' if count > 1 else ''}{without}{drops} ; détails : {REPORT_COMMAND}"
    )


def failure(error: Exception) -> str:
    """One French line for a failed build."""
    reason = " ".join(str(error).split())
    return f"ÉCHEC de la construction : {reason} ; le magasin précédent est conservé intact"


def perimeter_label(coverage: dict) -> str:
    """« région 32 », or « France entière hors Mayotte » for a France build."""
    if coverage["region_code"] != FRANCE:
        return f"région {coverage['region_code']}"
    left_out = coverage.get("regions_hors_perimetre") or {}
    names = [region["nom"] for region in left_out.values()]
    return "France entière" + (f" hors {', '.join(names)}" if names else "")


def format_report(coverage: dict) -> str:
    """Coverage of the last build as a readable French table, then each dataset's details."""
    header = f"{'jeu de données':<44} {'lignes lues':>12} {'gardées':>8} {'rapportées':>11} {'non appariées':>14}"
    built = str(coverage["built_at"]).replace("T", " à ")
    seconds = str(coverage["seconds"]).replace(".", ",")
    lines = [
        f"Construction du {built} ({perimeter_label(coverage)}, {seconds} s)",
        f"Miroir des données ouvertes : {coverage.get('opendata_mirror') or 'aucun (téléchargements officiels)'}",
        f"Jeux de données lus : {datasets_read(coverage)} ; anomalies (codes ou points non appariés) : "
        f"{anomalies(coverage)}",
        "",
        header,
        "-" * len(header),
    ]
    for dataset_id, figures in coverage["datasets"].items():
        unmatched = figures.get("unmatched") or []
        lines.append(
            f"{dataset_id:<44} {figures['rows_read']:>12} {figures['rows_kept']:>8} "
            f"{figures['rows_joined']:>11} {len(unmatched):>14}"
        )
    empty = coverage.get("indicateurs_sans_valeur") or []
    if empty:
        lines += [
            "",
            "Indicateurs sans aucune valeur dans le périmètre (source qui ne le couvre pas) :",
            f"  {', '.join(empty)}",
        ]
    accepted = coverage.get("baisses_de_couverture_acceptees") or []
    if accepted:
        lines += ["", "Baisses de couverture acceptées (--accept-coverage-drop) :", *(f"  {drop}" for drop in accepted)]
    for dataset_id, figures in coverage["datasets"].items():
        unmatched = figures.get("unmatched") or []
        details = {key: value for key, value in (figures.get("detail") or {}).items() if value not in ([], {}, None)}
        if not unmatched and not details:
            continue
        lines += ["", f"{dataset_id} :"]
        if unmatched:
            shown = ", ".join(map(str, unmatched[:12])) + (" …" if len(unmatched) > 12 else "")
            lines.append(f"  non appariés : {shown}")
        for key, value in details.items():
            label = DETAIL_LABELS.get(key, key.replace("_", " "))
            text = json.dumps(value, ensure_ascii=False)
            lines.append(f"  {label} : {text[:160]}{'…' if len(text) > 160 else ''}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m loaders", description="Construction des données du tableau de bord."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build", help="télécharger (ou lire le miroir) et construire data/processed/")
    build_parser.add_argument("--output", type=Path, default=None, help="dossier du magasin (défaut : data/processed)")
    build_parser.add_argument(
        "--region",
        default="32",
        help="code de la région, ou « france » pour toute la France (défaut : 32, Hauts-de-France)",
    )
    build_parser.add_argument("--quiet", action="store_true", help="sans barre de progression")
    build_parser.add_argument(
        "--accept-coverage-drop",
        action="store_true",
        help="construire même si la couverture baisse par rapport à la construction précédente",
    )
    report_parser = commands.add_parser("report", help="afficher la couverture de la dernière construction")
    report_parser.add_argument("--store", type=Path, default=None, help="dossier du magasin (défaut : data/processed)")
    args = parser.parse_args(argv)

    if args.command == "build":
        from loaders.build import build

        try:
            coverage = build(
                args.output,
                region_code=args.region,
                progress=not args.quiet,
                accept_coverage_drop=args.accept_coverage_drop,
            )
        except (SourceError, CoverageDropError) as error:
            print(failure(error), file=sys.stderr)
            return 1
        except OSError as error:
            print(failure(f"écriture impossible ({error})"), file=sys.stderr)
            return 1
        for drop in coverage["baisses_de_couverture_acceptees"]:
            print(f"Baisse de couverture acceptée : {drop}")
        print(verdict(coverage))
        return 0

    store = args.store or fetch.data_dir() / "processed"
    path = store / "coverage.json"
    if not path.is_file():
        print(f"Aucune construction trouvée ({path}) : lancer d'abord `python -m loaders build`.", file=sys.stderr)
        return 1
    print(format_report(json.loads(path.read_text(encoding="utf-8"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
