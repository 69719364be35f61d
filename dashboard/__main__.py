"""Development server: `python -m dashboard` (debug only when DEBUG=1)."""

from dashboard.app import create_app
from dashboard.settings import Settings


def main() -> None:
    settings = Settings.from_env()
    create_app(settings).run(host=settings.host, port=settings.port, debug=settings.debug)


if __name__ == "__main__":
    main()
