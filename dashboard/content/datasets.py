"""Datasets by role: the build writes which dataset plays each role (`dataset_roles` of catalogue.json),
so that no page names a versioned dataset id."""

from __future__ import annotations

from typing import Any

from dashboard.core.store import Store

TERRITORIES = "territories"
CENSUS = "census"
ESTABLISHMENTS = "establishments"
REFERENCE_FIGURES = "reference_figures"


def dataset_for(store: Store, role: str) -> dict[str, Any] | None:
    """The catalogue entry of the dataset the build declares for `role`, or None."""
    dataset_id = (store.catalogue.get("dataset_roles") or {}).get(role)
    return next((entry for entry in store.catalogue["datasets"] if entry["id"] == dataset_id), None)


def citation_for(store: Store, role: str) -> str | None:
    """The citation of the dataset playing `role`, or None."""
    dataset = dataset_for(store, role)
    return dataset["citation"] if dataset else None
