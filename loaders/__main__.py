"""Command line: `python -m loaders build` and `python -m loaders report`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from loaders import fetch
from loaders.errors import SourceError


def format_report(coverage: dict) -> str:
    """Coverage of the last build as a readable table."""
    header = f"{'jeu de données':<44} {'lues':>8} {'gardées':>8} {'jointes':>8} {'non appariées':>14}"
    lines = [
        f"Construction du {coverage['built_at']} (région {coverage['region_code']}, {coverage['seconds']} s)",
        "",
        header,
        "-" * len(header),
    ]
    for dataset_id, figures in coverage["datasets"].items():
        unmatched = figures.get("unmatched", [])
        lines.append(
            f"{dataset_id:<44} {figures['rows_read']:>8} {figures['rows_kept']:>8} "
            f"{figures['rows_joined']:>8} {len(unmatched):>14}"
        )
    lines.append("")
    for dataset_id, figures in coverage["datasets"].items():
        unmatched = figures.get("unmatched", [])
        if unmatched:
            shown = ", ".join(map(str, unmatched[:12])) + (" …" if len(unmatched) > 12 else "")
            lines.append(f"{dataset_id} — non appariés : {shown}")
        for key, value in figures.get("detail", {}).items():
            if value not in ([], {}, None):
                text = json.dumps(value, ensure_ascii=False)
                lines.append(f"  {key} : {text[:160]}{'…' if len(text) > 160 else ''}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m loaders", description="Construction des données du tableau de bord."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build", help="télécharger (ou lire le miroir) et construire data/processed/")
    build_parser.add_argument("--output", type=Path, default=None, help="dossier du magasin (défaut : data/processed)")
    build_parser.add_argument("--region", default="32", help="code de la région (défaut : 32, Hauts-de-France)")
    build_parser.add_argument("--quiet", action="store_true", help="sans barre de progression")
    report_parser = commands.add_parser("report", help="afficher la couverture de la dernière construction")
    report_parser.add_argument("--store", type=Path, default=None, help="dossier du magasin (défaut : data/processed)")
    args = parser.parse_args(argv)

    if args.command == "build":
        from loaders.build import build

        try:
            coverage = build(args.output, region_code=args.region, progress=not args.quiet)
        except SourceError as error:
            print(f"ÉCHEC de la construction : {error}", file=sys.stderr)
            print("Le magasin précédent, s'il existe, est conservé intact.", file=sys.stderr)
            return 1
        print(format_report(coverage))
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
