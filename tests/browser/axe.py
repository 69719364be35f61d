"""axe-core, the automated accessibility checker, for the browser tests: fetched once from the npm registry
(pinned version, integrity checked), cached under tests/.cache/, and run in a page on the WCAG 2.0/2.1 A and
AA rules. A failed download fails the audit (CI reaches the npm registry): an audit is never skipped."""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import urllib.request
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE_VERSION = "4.10.3"
#: The registry's `dist.integrity` of the tarball (sha512, base64).
AXE_INTEGRITY = "sha512-Xm7bpRXnDSX2YE2YFfBk2FnF0ep6tmG7xPh8iHee8MIcrgq762Nkce856dYtJYLkuIoYZvGfTs/PbZhideTcEg=="
AXE_TARBALL = f"https://registry.npmjs.org/axe-core/-/axe-core-{AXE_VERSION}.tgz"
CACHE = Path(__file__).resolve().parents[1] / ".cache"
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = ("critical", "serious")


def integrity_of(data: bytes) -> str:
    """The npm `integrity` string (sha512) of `data`."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def axe_tarball(cache: Path = CACHE) -> bytes:
    """The pinned axe-core tarball, from the cache or the registry; raise if its integrity does not match."""
    path = cache / f"axe-core-{AXE_VERSION}.tgz"
    if path.exists() and integrity_of(path.read_bytes()) == AXE_INTEGRITY:
        return path.read_bytes()
    try:
        with urllib.request.urlopen(AXE_TARBALL, timeout=60) as response:
            data = response.read()
    except OSError as error:
        raise RuntimeError(f"axe-core {AXE_VERSION} could not be downloaded from {AXE_TARBALL}: {error}") from error
    if integrity_of(data) != AXE_INTEGRITY:
        raise RuntimeError(f"axe-core tarball from {AXE_TARBALL} does not match its pinned integrity {AXE_INTEGRITY}")
    cache.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return data


def axe_script(cache: Path = CACHE) -> str:
    """The source of axe.min.js, read from the checked tarball."""
    with tarfile.open(fileobj=io.BytesIO(axe_tarball(cache)), mode="r:gz") as archive:
        member = archive.extractfile("package/axe.min.js")
        if member is None:
            raise RuntimeError(f"axe-core {AXE_VERSION}: package/axe.min.js missing from the tarball")
        return member.read().decode("utf-8")


def run_axe(page: Page, script: str) -> list[dict[str, Any]]:
    """The WCAG 2.0/2.1 A and AA violations of the page as it is now (the context must bypass the CSP)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=script)
        # Contrast of every text against its computed background, without looking for ::before/::after
        # backgrounds behind it (what makes the rule 20 times slower on long pages).
        page.evaluate("axe.configure({checks: [{id: 'color-contrast', options: {ignorePseudo: true}}]})")
    return page.evaluate(
        """async (tags) => {
            // The page's scheduled work (the repairs a11y.js runs at the next frame) is done first.
            await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')), count: v.nodes.length,
            }));
        }""",
        WCAG_AA_TAGS,
    )


def blocking(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The critical and serious violations."""
    return [violation for violation in violations if violation["impact"] in BLOCKING_IMPACTS]


def describe(where: str, violations: list[dict[str, Any]]) -> str:
    """One line per violation: where, rule id, impact, help, node count and first targets."""
    return "\n".join(
        f"{where}: {v['id']} ({v['impact']}, {v['count']} nodes) {v['help']} — {'; '.join(v['targets'])}"
        for v in violations
    )
