"""Fetch source files: from a local mirror when `OPENDATA_MIRROR` is set, else from the
official URL into a checksum-verified cache under `data/raw/`."""

from __future__ import annotations

import hashlib
import json
import os
import re
import urllib.request
from pathlib import Path

import pooch

from loaders import catalogue
from loaders.errors import SourceError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIRROR_HINT = (
    "Sans réseau, définir OPENDATA_MIRROR vers un miroir organisé en <thème>/<jeu de données>/ "
    "(par exemple OPENDATA_MIRROR=../shared/opendata, voir le README)."
)
DATAGOUV_API = "https://www.data.gouv.fr/api/1/datasets/{}/"


def data_dir() -> Path:
    """Root of build inputs and outputs (`DATA_DIR`, default `data/` in the project)."""
    return Path(os.environ.get("DATA_DIR", PROJECT_ROOT / "data")).resolve()


def mirror_root() -> Path | None:
    """The open-data mirror named by `OPENDATA_MIRROR`, if any."""
    value = os.environ.get("OPENDATA_MIRROR", "").strip()
    return Path(value).resolve() if value else None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch(dataset_id: str, filename: str) -> Path:
    """Return a local path to `filename` of dataset `dataset_id`."""
    dataset = catalogue.get(dataset_id)
    source_file = dataset.file(filename)
    mirror = mirror_root()
    if mirror is not None:
        if not dataset.in_mirror:
            raise SourceError(
                dataset.id,
                filename,
                "ce jeu n'existe pas dans le miroir : il se télécharge depuis sa source officielle",
            )
        path = mirror / dataset.mirror_path / filename
        if not path.is_file():
            raise SourceError(dataset.id, path, f"fichier absent du miroir OPENDATA_MIRROR={mirror}")
        return path
    return _download(dataset, source_file)


def _download(dataset: catalogue.Dataset, source_file: catalogue.SourceFile) -> Path:
    if source_file.url is None and source_file.datagouv is None:
        raise SourceError(
            dataset.id,
            source_file.name,
            f"extrait filtré sans téléchargement officiel propre ({dataset.notes}). {MIRROR_HINT}",
        )
    cache = data_dir() / "raw" / dataset.id
    url = source_file.url
    try:
        if url is None:
            url = resolve_datagouv_resource(*source_file.datagouv)
        if source_file.member:
            path = _retrieve_member(url, source_file.member, cache)
        else:
            known = f"sha256:{source_file.sha256}" if source_file.sha256 else None
            path = Path(pooch.retrieve(url, known_hash=known, fname=source_file.name, path=cache))
    except SourceError:
        raise
    except Exception as exc:  # network, HTTP, archive or checksum failure
        raise SourceError(
            dataset.id, url or source_file.name, f"téléchargement impossible ({exc}). {MIRROR_HINT}"
        ) from exc
    _check_cached_checksum(dataset, source_file, path)
    return path


def _retrieve_member(url: str, member: str, cache: Path) -> Path:
    processor = pooch.Untar(members=[member]) if url.endswith((".tgz", ".tar.gz")) else pooch.Unzip(members=[member])
    extracted = pooch.retrieve(url, known_hash=None, path=cache, processor=processor)
    for candidate in extracted:
        if candidate.endswith(member.split("/")[-1]):
            return Path(candidate)
    raise FileNotFoundError(f"{member} absent de l'archive {url}")


def _check_cached_checksum(dataset: catalogue.Dataset, source_file: catalogue.SourceFile, path: Path) -> None:
    """Verify a cached file against its declared checksum, or against the one recorded at
    its first download, so that a corrupted cache is never read silently."""
    actual = sha256_of(path)
    if source_file.sha256 and actual != source_file.sha256:
        raise SourceError(dataset.id, path, f"somme de contrôle inattendue ({actual}) : supprimer le cache et relancer")
    sidecar = path.with_name(path.name + ".sha256")
    if sidecar.exists():
        if sidecar.read_text().strip() != actual:
            raise SourceError(
                dataset.id, path, "fichier du cache modifié depuis son téléchargement : supprimer le cache"
            )
    else:
        sidecar.write_text(actual + "\n")


def resolve_datagouv_resource(dataset_slug: str, title_pattern: str) -> str:
    """URL of the newest resource of a data.gouv.fr dataset whose file name matches."""
    with urllib.request.urlopen(DATAGOUV_API.format(dataset_slug), timeout=60) as response:
        record = json.load(response)
    return pick_newest_resource(record, title_pattern)


def pick_newest_resource(record: dict, title_pattern: str) -> str:
    """Pick, in a data.gouv.fr dataset record, the newest resource matching the pattern."""
    pattern = re.compile(title_pattern)
    matches = [
        resource
        for resource in record.get("resources", [])
        if pattern.fullmatch(resource.get("title", "")) or pattern.fullmatch(resource.get("url", "").rsplit("/", 1)[-1])
    ]
    if not matches:
        raise FileNotFoundError(f"aucune ressource ne correspond à {title_pattern!r}")
    newest = max(matches, key=lambda resource: (resource.get("last_modified") or "", resource.get("url", "")))
    return newest["url"]
