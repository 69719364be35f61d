"""Runtime settings, read from the environment once at start-up."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
TRUE_VALUES = frozenset({"1", "true", "yes", "on"})


@dataclass(frozen=True)
class Settings:
    """What the app needs to know about its environment."""

    data_dir: Path = REPO_ROOT / "data"
    debug: bool = False
    host: str = "127.0.0.1"
    port: int = 8050
    redis_url: str | None = None

    @property
    def processed_dir(self) -> Path:
        return self.data_dir / "processed"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read DATA_DIR, DEBUG, HOST, PORT and REDIS_URL (all optional)."""
        env = os.environ if environ is None else environ
        port = env.get("PORT", "").strip() or str(cls.port)
        if not port.isdigit():
            raise ValueError(f"PORT doit être un numéro de port, pas {port!r}")
        return cls(
            data_dir=Path(env["DATA_DIR"]).resolve() if env.get("DATA_DIR") else cls.data_dir,
            debug=env.get("DEBUG", "").strip().lower() in TRUE_VALUES,
            host=env.get("HOST", "").strip() or cls.host,
            port=int(port),
            redis_url=env.get("REDIS_URL", "").strip() or None,
        )
