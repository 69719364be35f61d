"""Pages and field selection of the tabular answers (`limite`, `debut`, `champs`), with links to the next page.

The rows are always in a stable order (by code, then as asked), so that reading every page, one after the
other, gives exactly the rows of the whole answer. Links are relative (never the Host header).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from flask import request

from dashboard.api.parameters import ApiError, listed, page_bounds
from dashboard.api.spec import FIELDS, IGNORED, START


@dataclass(frozen=True)
class Page:
    """Which rows (`start`, `limit`) and which fields of a tabular answer are asked for."""

    start: int = 0
    limit: int | None = None
    fields: tuple[str, ...] = ()

    def key(self) -> dict[str, Any]:
        """What the answer depends on, for the cache key."""
        return {"debut": self.start, "limite": self.limit, "champs": list(self.fields)}

    def cut(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The rows of the page, with the chosen fields (a French 400 for an unknown field)."""
        unknown = [field for field in self.fields if field not in frame.columns]
        if unknown:
            raise ApiError(
                f"Champ inconnu : « {unknown[0]} ». Champs de cette réponse : {', '.join(frame.columns)}.",
                parameter=FIELDS.name,
                allowed=list(frame.columns),
            )
        end = None if self.limit is None else self.start + self.limit
        rows = frame.iloc[self.start : end]
        return rows[list(self.fields)] if self.fields else rows

    def link(self, start: int) -> str:
        """Relative address of the same request starting at row `start`."""
        pairs = [
            (key, value)
            for key in request.args
            if key not in (START.name, *IGNORED)
            for value in request.args.getlist(key)
        ]
        return f"{request.path}?{urlencode([*pairs, (START.name, str(start))], safe=',:|')}"

    def links(self, total: int) -> dict[str, str | None]:
        """`suivant` and `precedent`: addresses of the next and previous pages (None at either end)."""
        if self.limit is None:
            return {"suivant": None, "precedent": None}
        following = self.start + self.limit
        return {
            "suivant": self.link(following) if following < total else None,
            "precedent": self.link(max(0, self.start - self.limit)) if self.start > 0 else None,
        }

    def envelope(self, total: int, shown: int) -> dict[str, Any]:
        """What a JSON answer says of its page."""
        return {"total": total, "nombre": shown, "debut": self.start, "limite": self.limit, **self.links(total)}

    def headers(self, total: int) -> dict[str, str]:
        """`X-Total-Count` and an RFC 8288 `Link` header (next, prev) for JSON and CSV alike."""
        links = self.links(total)
        relations = [
            f'<{url}>; rel="{rel}"' for rel, url in (("next", links["suivant"]), ("prev", links["precedent"])) if url
        ]
        return {"X-Total-Count": str(total), **({"Link": ", ".join(relations)} if relations else {})}


def read_page() -> Page:
    """The page asked for by the request (checked: a French 400 for a bad `limite` or `debut`)."""
    start, limit = page_bounds()
    return Page(start, limit, tuple(listed(FIELDS.name)))
