"""Classes of a map's values: quantiles, natural breaks (Fisher–Jenks) or equal intervals.

Pure functions of the values; `classify` returns the bounds, the count of each class and the class of
each value (-1 when missing).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

SCHEME_QUANTILES = "quantiles"
SCHEME_JENKS = "seuils-naturels"
SCHEME_EQUAL = "intervalles-egaux"
SCHEMES = {
    SCHEME_QUANTILES: "Quantiles",
    SCHEME_JENKS: "Seuils naturels (Jenks)",
    SCHEME_EQUAL: "Intervalles égaux",
}
#: How each classification cuts the values, in plain words (under its choice on the map).
SCHEMES_PLAIN = {
    SCHEME_QUANTILES: "Chaque couleur regroupe le même nombre de territoires.",
    SCHEME_JENKS: "Les limites des classes passent là où les valeurs se séparent le plus nettement.",
    SCHEME_EQUAL: "Chaque couleur couvre une tranche de valeurs de même largeur.",
}
MIN_CLASSES, MAX_CLASSES, DEFAULT_CLASSES = 3, 7, 5
#: Natural breaks are exact up to this many distinct values, else computed on as many order statistics.
JENKS_MAX_VALUES = 800


@dataclass(frozen=True)
class Classification:
    """Classes of a set of values: class i holds the values in (bounds[i-1], bounds[i]], class 0 from minimum.

    `index` gives each value's class (-1 when missing). `distinct` means one class per distinct value
    (there were no more distinct values than classes asked for).
    """

    scheme: str
    requested: int
    minimum: float | None
    bounds: tuple[float, ...]
    counts: tuple[int, ...]
    missing: int
    index: np.ndarray
    distinct: bool
    sampled: bool = False

    @property
    def k(self) -> int:
        return len(self.bounds)


def natural_breaks(values: np.ndarray, k: int, weights: np.ndarray | None = None) -> list[float]:
    """Fisher–Jenks optimal breaks (minimum within-class sum of squares) of sorted distinct `values`.

    Exact dynamic programme, vectorised over split points; `weights` are the multiplicities.
    Returns the upper bound of each class (the last one is the maximum).
    """
    x = np.asarray(values, dtype=float)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    n = len(x)
    k = min(k, n)
    cw = np.concatenate([[0.0], np.cumsum(w)])
    cs = np.concatenate([[0.0], np.cumsum(w * x)])
    cq = np.concatenate([[0.0], np.cumsum(w * x * x)])
    starts = np.arange(n)[:, None]  # a class covering x[m:i+1] starts at m
    ends = np.arange(n)[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        weight = cw[ends + 1] - cw[starts]
        ssd = (cq[ends + 1] - cq[starts]) - (cs[ends + 1] - cs[starts]) ** 2 / weight
    ssd = np.where(starts <= ends, np.maximum(ssd, 0.0), np.inf)
    cost = ssd[0].copy()  # cost[i]: best cost of x[0..i] in j classes
    choices = []
    for _ in range(1, k):
        previous = np.concatenate([[np.inf], cost[:-1]])  # previous[m]: x[0..m-1] in j-1 classes
        total = previous[:, None] + ssd
        best = np.argmin(total, axis=0)
        cost = total[best, np.arange(n)]
        choices.append(best)
    bounds = [x[-1]]
    end = n - 1
    for best in reversed(choices):
        start = int(best[end])
        bounds.append(x[start - 1])
        end = start - 1
    return sorted(bounds)


def _scheme_bounds(values: np.ndarray, scheme: str, k: int) -> tuple[list[float], bool]:
    with warnings.catch_warnings():  # mapclassify warns that numba (optional) is absent
        warnings.simplefilter("ignore")
        # Imported on first use: it pulls in scipy.stats (~0.8 s), which would slow the app's start.
        import mapclassify

        if scheme == SCHEME_QUANTILES:
            return list(mapclassify.Quantiles(values, k=k).bins), False
        if scheme == SCHEME_EQUAL:
            return list(mapclassify.EqualInterval(values, k=k).bins), False
    distinct, counts = np.unique(values, return_counts=True)
    if len(distinct) <= JENKS_MAX_VALUES:
        return natural_breaks(distinct, k, counts), False
    sample = np.quantile(values, np.linspace(0, 1, JENKS_MAX_VALUES), method="inverted_cdf")
    distinct, counts = np.unique(sample, return_counts=True)
    bounds = natural_breaks(distinct, k, counts)
    bounds[-1] = float(values.max())
    return bounds, True


def classify(values: Iterable[float], scheme: str = SCHEME_QUANTILES, k: int = DEFAULT_CLASSES) -> Classification:
    """Classes of `values` (NaN = missing) by quantiles, natural breaks or equal intervals.

    With no more distinct values than `k`, each distinct value is its own class; duplicate bounds
    (ties in quantiles) are merged, so there may be fewer classes than asked for.
    """
    array = np.asarray(list(values) if not isinstance(values, np.ndarray) else values, dtype=float)
    present = np.isfinite(array)
    known = array[present]
    index = np.full(len(array), -1, dtype=int)
    if len(known) == 0:
        return Classification(scheme, k, None, (), (), len(array), index, distinct=False)
    distinct_values = np.unique(known)
    sampled = False
    if len(distinct_values) <= k:
        bounds = [float(value) for value in distinct_values]
        distinct = True
    else:
        raw, sampled = _scheme_bounds(known, scheme, k)
        bounds = sorted({float(bound) for bound in raw if bound >= distinct_values[0]})
        bounds[-1] = max(bounds[-1], float(distinct_values[-1]))
        distinct = False
    index[present] = np.searchsorted(np.asarray(bounds), known, side="left")
    counts = np.bincount(index[present], minlength=len(bounds))
    # A class left empty by the scheme (possible with equal intervals) stays, with a count of 0.
    return Classification(
        scheme=scheme,
        requested=k,
        minimum=float(distinct_values[0]),
        bounds=tuple(bounds),
        counts=tuple(int(count) for count in counts),
        missing=int((~present).sum()),
        index=index,
        distinct=distinct,
        sampled=sampled,
    )
