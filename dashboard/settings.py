"""Runtime settings, read from the environment once at start-up."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

PACKAGE_DIR = Path(__file__).resolve().parent  # the dashboard package
ASSETS_DIR = PACKAGE_DIR / "assets"
REPO_ROOT = PACKAGE_DIR.parent
TRUE_VALUES = frozenset({"1", "true", "yes", "on"})
#: Address written in files and PDFs when PUBLIC_URL is not set: the one `bash scripts/run.sh` serves.
DEFAULT_PUBLIC_URL = "http://localhost:{port}"
#: Bytes of answers and pages kept by each worker's local cache (without REDIS_URL).
DEFAULT_CACHE_MAX_MB = 64
MIB = 1024 * 1024


def parse_public_url(text: str) -> str:
    """The site's public address, `scheme://host[:port]` without a trailing slash; ValueError in French."""
    value = text.strip()
    example = "par exemple https://residences.example.fr"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError as error:
        raise ValueError(f"PUBLIC_URL doit être une adresse http ou https valide ({example}), pas {value!r}") from error
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment or "?" in value:
        raise ValueError(
            f"PUBLIC_URL doit être une adresse absolue en http ou https, sans paramètres ni ancre ({example}), "
            f"pas {value!r}"
        )
    if parts.username or parts.password:
        raise ValueError(f"PUBLIC_URL doit être une adresse sans identifiant ni mot de passe, pas {value!r}")
    if parts.path.strip("/"):
        raise ValueError(
            f"PUBLIC_URL doit être l'adresse de la racine du site, sans chemin ({example}), pas {value!r} : "
            "l'application est servie à la racine de son adresse"
        )
    return f"{parts.scheme}://{parts.netloc}"


def parse_megabytes(name: str, text: str) -> int:
    """A size in MiB (« 64 », « 0,5 ») as bytes; ValueError in French."""
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        value = -1.0
    if not value > 0 or value != value or value == float("inf"):
        raise ValueError(f"{name} doit être une taille en Mio, nombre positif (par exemple 64), pas {text!r}")
    return int(value * MIB)


@dataclass(frozen=True)
class Settings:
    """What the app needs to know about its environment."""

    data_dir: Path = REPO_ROOT / "data"
    debug: bool = False
    host: str = "127.0.0.1"
    port: int = 8050
    redis_url: str | None = None
    #: The site's public address (PUBLIC_URL), for every link written into a file or a PDF.
    public_url: str | None = None
    #: Byte budget of each worker's local cache (CACHE_MAX_MB).
    cache_max_bytes: int = DEFAULT_CACHE_MAX_MB * MIB

    @property
    def processed_dir(self) -> Path:
        return self.data_dir / "processed"

    @property
    def link_base(self) -> str:
        """Base of the absolute links written into files and PDFs: PUBLIC_URL, else the local address."""
        return self.public_url or DEFAULT_PUBLIC_URL.format(port=self.port)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read DATA_DIR, DEBUG, HOST, PORT, REDIS_URL, PUBLIC_URL and CACHE_MAX_MB (all optional)."""
        env = os.environ if environ is None else environ
        port = env.get("PORT", "").strip() or str(cls.port)
        if not port.isdigit():
            raise ValueError(f"PORT doit être un numéro de port, pas {port!r}")
        public_url = env.get("PUBLIC_URL", "").strip()
        cache_mb = env.get("CACHE_MAX_MB", "").strip()
        return cls(
            data_dir=Path(env["DATA_DIR"]).resolve() if env.get("DATA_DIR") else cls.data_dir,
            debug=env.get("DEBUG", "").strip().lower() in TRUE_VALUES,
            host=env.get("HOST", "").strip() or cls.host,
            port=int(port),
            redis_url=env.get("REDIS_URL", "").strip() or None,
            public_url=parse_public_url(public_url) if public_url else None,
            cache_max_bytes=parse_megabytes("CACHE_MAX_MB", cache_mb) if cache_mb else cls.cache_max_bytes,
        )
