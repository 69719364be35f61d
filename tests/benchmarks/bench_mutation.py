"""Mutation-testing benchmark: how many small planted bugs do the tests catch? Prints figures; not part of CI.

Usage (from the repository root):

    .venv/bin/python -m tests.benchmarks.bench_mutation                       # the default modules below
    .venv/bin/python -m tests.benchmarks.bench_mutation dashboard/tables/views.py   # one module
    .venv/bin/python -m tests.benchmarks.bench_mutation loaders/readers.py --tests tests/test_readers.py
    .venv/bin/python -m tests.benchmarks.bench_mutation dashboard/needs/model.py --show-survivors

For each module, one after the other, mutmut 3 (pinned in requirements-dev.txt; shared settings in the
[tool.mutmut] section of pyproject.toml) writes every mutant of the module (an operator, a constant, a
comparison, an argument changed: one small bug per mutant) and runs, for each mutant, the tests of that module's
selection that execute the mutated function (MODULES below, or --tests). A mutant is caught when a test fails
(killed) or the tests run past mutmut's time limit (timeout). The caught share is

    (killed + timeout) / (mutants − equivalent mutants),

so a survivor, a mutant no selected test executes (« no tests ») and a suspicious one all count as missed.
Equivalent mutants (EQUIVALENT below: they cannot change behaviour) are listed and left out, each with its reason.

Each module runs in mutants/<module>/ (git-ignored; deleted and recreated at every run, so the figures never
come from an earlier run): links to the sources and tests, and a pyproject.toml that narrows the shared settings
to the module. The diffs of the surviving mutants are written to mutants/<module>/survivors.txt; from that
folder, `../../.venv/bin/mutmut show <mutant>` and `../../.venv/bin/mutmut browse` work as usual.

Caveat of mutmut 3: it imports the modules once, then forks a process per mutant, so module-level values computed
at import (a catalogue built by functions, say) keep their unmutated value. A test comparing such a function's
output with that value therefore fails for every mutant of the function, whatever it changes: pin the output
against literal expectations instead, or the score overstates what the tests catch.

Tests run inside mutmut's copy of the project, so OPENDATA_MIRROR (default: ../shared/opendata beside the
checkout) and TEST_DATA_DIR (default: data/ when it holds a build; otherwise the script builds one once in
mutants/_data/) are set for them. --jobs sets how many mutants run at once (default 2: mind shared cores).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
WORK_ROOT = REPO_ROOT / "mutants"
TARGET = 0.90

#: Module → the test files that concern it (globs: files other engineers add under these names join the run). For
#: each mutant, the tests run in this order of files (quick unit tests first: a mutant is usually caught sooner).
#: The filtered views of the tables page and the files written from them (one module before the feature folders).
EXPORT_MODULES = tuple(
    f"dashboard/tables/{name}.py"
    for name in ("views", "indicators", "provenance", "files", "spreadsheets", "geodata", "grid", "formats")
)
MODULES: dict[str, tuple[str, ...]] = {
    "loaders/readers.py": (
        "tests/test_readers*.py",
        "tests/test_stat_loaders.py",
        "tests/test_finess.py",
        "tests/test_geo.py",
    ),
    "loaders/indicators.py": ("tests/test_indicators*.py", "tests/test_build.py"),
    "geo/aggregate.py": ("tests/test_aggregate*.py", "tests/test_cog_aggregate.py"),
    **dict.fromkeys(
        EXPORT_MODULES, ("tests/dashboard/tables/test_exports_mutants.py", "tests/dashboard/tables/test_exports.py")
    ),
    "dashboard/needs/model.py": ("tests/dashboard/needs/test_needs_mutants.py", "tests/dashboard/needs/test_needs.py"),
    "dashboard/needs/analysis.py": (
        "tests/dashboard/needs/test_needs_mutants.py",
        "tests/dashboard/needs/test_needs.py",
    ),
    "dashboard/needs/arguments.py": ("tests/dashboard/needs/test_arguments.py", "tests/dashboard/needs/test_needs.py"),
}

#: Entries of tests/ that the copy does not need (screenshots of the browser tests weigh tens of megabytes).
SKIPPED_TEST_ENTRIES = frozenset({"artifacts", "__pycache__", ".pytest_cache"})


@dataclass(frozen=True)
class Equivalent:
    """A mutation that cannot change behaviour: in `function`, the line `before` (stripped) became one of `after`
    (None: any change of that line)."""

    function: str
    before: str
    after: tuple[str, ...] | None
    reason: str


def _single_change(diff: str) -> tuple[str, str] | None:
    removed, added = _changed_lines(diff, "-"), _changed_lines(diff, "+")
    return (removed[0], added[0]) if len(removed) == len(added) == 1 else None


def _without_zip_strictness(line: str) -> str:
    return re.sub(r",\s*\)", ")", re.sub(r"\bstrict=(?:True|False|None)", "", line))


#: Mutations equivalent wherever they occur: (test on the removed and added line, reason).
GENERIC_EQUIVALENTS = (
    (
        lambda before, after: "zip(" in before and _without_zip_strictness(before) == _without_zip_strictness(after),
        "zip(strict=True) only raises when the sequences differ in length, which these zips never do: they pair "
        "columns with their values, rows with their cells, headers with their widths",
    ),
    (
        lambda before, after: any(
            f'"{codec}"' in before and before.replace(f'"{codec}"', f'"{codec.upper()}"') == after
            for codec in ("utf-8", "ascii")
        ),
        "codec names are case-insensitive",
    ),
)


CAUGHT = ("killed", "timeout")
COLUMNS = ("killed", "survived", "no tests", "timeout", "suspicious", "equivalent")


#: Environment variable naming the selected test files in their order, for the pytest plugin below.
ORDER_VARIABLE = "BENCH_MUTATION_TEST_ORDER"
#: This module is also a pytest plugin of the mutation runs (pytest_collection_modifyitems below).
PLUGIN = "tests.benchmarks.bench_mutation"


# --- pytest plugin (mutation runs only) ------------------------------------------------------------------------


def pytest_collection_modifyitems(items: list) -> None:
    """Run a mutant's tests file by file in the order of the selection (mutmut passes them as an unordered set),
    keeping each file's own order: with `-x`, the quick unit tests usually catch the mutant before the tests that
    load the real build run at all."""
    order = os.environ.get(ORDER_VARIABLE)
    if not order:
        return
    rank = {path: position for position, path in enumerate(order.split(os.pathsep))}
    items.sort(key=lambda item: rank.get(item.nodeid.partition("::")[0], len(rank)))


# --- Settings of one run -------------------------------------------------------------------------------------


def shared_settings() -> dict:
    with open(REPO_ROOT / "pyproject.toml", "rb") as file:
        return tomllib.load(file)["tool"]["mutmut"]


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    raise TypeError(f"no TOML form for {value!r}")


def module_pyproject(module: str, tests: list[str]) -> str:
    """The repository's pyproject.toml with its [tool.mutmut] table narrowed to one module and its tests."""
    text = (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    text = re.sub(r"(?ms)^\[tool\.mutmut\]\n.*?(?=^\[|\Z)", "", text).rstrip() + "\n"
    shared = shared_settings()
    settings = {
        **shared,
        "only_mutate": [module],
        "pytest_add_cli_args": [*shared.get("pytest_add_cli_args", []), "-p", PLUGIN],
        "pytest_add_cli_args_test_selection": tests,
        "use_git_change_detection": False,
    }
    lines = ["", "[tool.mutmut]", f"# Written by tests/benchmarks/bench_mutation.py for {module}."]
    lines += [f"{key} = {_toml_value(value)}" for key, value in settings.items()]
    return text + "\n".join(lines) + "\n"


def selected_tests(patterns: list[str] | tuple[str, ...]) -> list[str]:
    """Test files of the patterns, relative to the repository root, each once and in order."""
    found: dict[str, None] = {}
    for pattern in patterns:
        matches = sorted(glob.glob(pattern, root_dir=REPO_ROOT))
        if not matches and not glob.has_magic(pattern):
            raise SystemExit(f"bench_mutation: test file not found: {pattern}")
        found.update(dict.fromkeys(matches))
    return list(found)


def prepare(module: str, tests: list[str]) -> Path:
    """A fresh mutants/<module>/: links to the sources and tests, and the module's pyproject.toml."""
    workdir = WORK_ROOT / module.removesuffix(".py").replace("/", ".")
    if workdir.exists():
        shutil.rmtree(workdir)  # links are removed, never followed
    workdir.mkdir(parents=True)
    settings = shared_settings()
    for entry in [*settings.get("source_paths", []), *settings.get("also_copy", [])]:
        if (REPO_ROOT / entry).exists() and Path(entry).parts[0] != "tests":
            (workdir / entry).parent.mkdir(parents=True, exist_ok=True)
            (workdir / entry).symlink_to(REPO_ROOT / entry)
    (workdir / "tests").mkdir()
    for entry in (REPO_ROOT / "tests").iterdir():
        if entry.name not in SKIPPED_TEST_ENTRIES:
            (workdir / "tests" / entry.name).symlink_to(entry)
    (workdir / "pyproject.toml").write_text(module_pyproject(module, tests), encoding="utf-8")
    return workdir


def tests_environment() -> dict[str, str]:
    """OPENDATA_MIRROR and TEST_DATA_DIR as absolute paths (the tests run in a copy elsewhere)."""
    env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONDONTWRITEBYTECODE="1")
    mirror = Path(env.get("OPENDATA_MIRROR") or REPO_ROOT.parent / "shared" / "opendata").resolve()
    if not (mirror / "README.md").is_file():
        raise SystemExit(f"bench_mutation: open-data mirror not found at {mirror}: set OPENDATA_MIRROR")
    env["OPENDATA_MIRROR"] = str(mirror)
    data = env.get("TEST_DATA_DIR")
    if data:
        env["TEST_DATA_DIR"] = str(Path(data).resolve())
    elif (REPO_ROOT / "data" / "processed" / "catalogue.json").is_file():
        env["TEST_DATA_DIR"] = str(REPO_ROOT / "data")
    else:
        built = WORK_ROOT / "_data"
        if not (built / "processed" / "catalogue.json").is_file():
            print(f"No build in data/: building one from {mirror} into {built} (once)…", flush=True)
            code = "import sys; from pathlib import Path; from loaders.build import build; build(Path(sys.argv[1]))"
            subprocess.run([sys.executable, "-c", code, str(built / "processed")], cwd=REPO_ROOT, env=env, check=True)
        env["TEST_DATA_DIR"] = str(built)
    return env


# --- Running mutmut ------------------------------------------------------------------------------------------

_STATUS = re.compile(r"(\d+)/(\d+)\s+🎉 (\d+) 🫥 (\d+)\s+⏰ (\d+)\s+🤔 (\d+)\s+🙁 (\d+)")
PROGRESS_EVERY_S = 15.0


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"


def run_mutmut(module: str, workdir: Path, env: dict[str, str], jobs: int) -> tuple[int, str]:
    """Run `mutmut run` in the module's folder, echoing its steps and a progress line every few seconds."""
    mutmut = Path(sys.executable).parent / "mutmut"
    command = [str(mutmut), "run", "--max-children", str(jobs)]
    process = subprocess.Popen(command, cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert process.stdout is not None
    start = time.monotonic()
    last_progress = 0.0
    last_step = ""
    buffer = b""
    transcript: list[str] = []

    def handle(line: str) -> None:
        nonlocal last_progress, last_step
        line = line.strip()
        if not line:
            return
        status = _STATUS.search(line)
        if status is None:
            # Steps of mutmut (generating mutants, stats, clean run…), minus the spinner of its waiting lines.
            text = line.lstrip("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏ ")
            if text != last_step:
                transcript.append(text)
                if not text.startswith(("also copying", "dashboard/", "loaders/", "geo/")):
                    print(f"    {text}", flush=True)
            last_step = text
            return
        done, total, killed, no_tests, timeout, suspicious, survived = (int(value) for value in status.groups())
        progress = (
            f"    {module}: {done}/{total} mutants · killed {killed} · survived {survived} · no tests {no_tests}"
            f" · timeout {timeout} · suspicious {suspicious} · {_duration(time.monotonic() - start)}"
        )
        if time.monotonic() - last_progress >= PROGRESS_EVERY_S or done == total:
            print(progress, flush=True)
            last_progress = time.monotonic()

    while chunk := process.stdout.read1(4096):
        buffer += chunk
        *lines, buffer = re.split(rb"[\r\n]", buffer)
        for line in lines:
            handle(line.decode("utf-8", "replace"))
    handle(buffer.decode("utf-8", "replace"))
    code = process.wait()
    return code, "\n".join(transcript)


# --- Results -------------------------------------------------------------------------------------------------


@dataclass
class Result:
    module: str
    tests: list[str]
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)
    survivors: dict[str, str] = field(default_factory=dict)  # mutant → diff (missed, equivalents excluded)
    equivalents: dict[str, str] = field(default_factory=dict)  # mutant → reason
    stale: list[Equivalent] = field(default_factory=list)  # entries whose line left the module
    error: str = ""

    @property
    def considered(self) -> int:
        return sum(self.counts.values()) - self.counts.get("equivalent", 0) - self.counts.get("skipped", 0)

    @property
    def caught(self) -> int:
        return sum(self.counts.get(status, 0) for status in CAUGHT)

    @property
    def share(self) -> float | None:
        return self.caught / self.considered if self.considered else None


def _changed_lines(diff: str, sign: str) -> list[str]:
    return [line[1:].strip() for line in diff.splitlines() if line.startswith(sign) and not line.startswith(sign * 3)]


def _function_of(mutant: str) -> str:
    """'dashboard.tables.views.x__sorted__mutmut_3' → '_sorted'; 'dashboard.tables.views.xǁColumnǁheader__mutmut_1' →
    'Column.header'."""
    mangled = mutant.rpartition(".")[2].partition("__mutmut_")[0]
    if mangled.startswith("xǁ"):
        return ".".join(mangled[2:].split("ǁ"))
    return mangled.removeprefix("x_")


def _matches(equivalent: Equivalent, mutant: str, diff: str) -> bool:
    removed, added = _changed_lines(diff, "-"), _changed_lines(diff, "+")
    return (
        _function_of(mutant) == equivalent.function
        and equivalent.before in removed
        and (equivalent.after is None or any(line in added for line in equivalent.after))
    )


def _generic_reason(diff: str) -> str | None:
    change = _single_change(diff)
    return next((reason for test, reason in GENERIC_EQUIVALENTS if change and test(*change)), None)


def collect(module: str, workdir: Path, result: Result) -> None:
    """Statuses of every mutant of the module, and the diff of each one not caught."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant
    from mutmut.stats import status_by_exit_code

    meta = json.loads((workdir / "mutants" / f"{module}.meta").read_text(encoding="utf-8"))
    statuses = {name: status_by_exit_code[code] for name, code in meta["exit_code_by_key"].items()}
    missed = sorted(name for name, status in statuses.items() if status not in CAUGHT)
    equivalents = EQUIVALENT.get(module, ())
    used: set[int] = set()
    equivalent_diffs: dict[str, str] = {}
    previous = Path.cwd()
    os.chdir(workdir)  # mutmut reads mutants/<module> relative to the current folder
    try:
        for name in missed:
            diff = get_diff_for_mutant(name, path=module)
            match = next((i for i, eq in enumerate(equivalents) if _matches(eq, name, diff)), None)
            reason = equivalents[match].reason if match is not None else _generic_reason(diff)
            if reason is None:
                result.survivors[name] = diff
                continue
            if match is not None:
                used.add(match)
            result.equivalents[name] = reason
            equivalent_diffs[name] = diff
            statuses[name] = "equivalent"
    finally:
        os.chdir(previous)
    source_lines = {line.strip() for line in (REPO_ROOT / module).read_text(encoding="utf-8").splitlines()}
    result.stale = [eq for i, eq in enumerate(equivalents) if i not in used and eq.before not in source_lines]
    for status in statuses.values():
        result.counts[status] = result.counts.get(status, 0) + 1
    with open(workdir / "survivors.txt", "w", encoding="utf-8") as file:
        for name, diff in result.survivors.items():
            file.write(f"# {name}: {statuses[name]}\n{diff}\n\n")
        for name, reason in result.equivalents.items():
            file.write(f"# {name}: equivalent ({reason})\n{equivalent_diffs[name]}\n\n")


def bench(module: str, tests: list[str], env: dict[str, str], jobs: int) -> Result:
    print(f"\n{module}: mutants tested with {' '.join(tests)}", flush=True)
    start = time.monotonic()
    workdir = prepare(module, tests)
    code, transcript = run_mutmut(module, workdir, {**env, ORDER_VARIABLE: os.pathsep.join(tests)}, jobs)
    result = Result(module, tests, time.monotonic() - start)
    if code != 0 or not (workdir / "mutants" / f"{module}.meta").is_file():
        result.error = f"mutmut exited with status {code}"
        print(f"    {result.error}; its output:\n{transcript}", flush=True)
        return result
    collect(module, workdir, result)
    share = result.share
    print(
        f"    done in {_duration(result.seconds)}: {result.caught} caught of {result.considered}"
        + (f" ({share:.1%})" if share is not None else "")
        + f"; missed mutants in {workdir.relative_to(REPO_ROOT)}/survivors.txt",
        flush=True,
    )
    return result


# --- Report ---------------------------------------------------------------------------------------------------


def table(results: list[Result]) -> str:
    width = max(len("total"), *(len(result.module) for result in results))
    head = f"{'module':<{width}}  {'mutants':>7}  " + "  ".join(f"{c:>10}" for c in COLUMNS) + "  caught         time"
    rows = [head, "-" * len(head)]
    totals = Result("total", [], 0.0)
    for result in results:
        totals.seconds += result.seconds
        for status, count in result.counts.items():
            totals.counts[status] = totals.counts.get(status, 0) + count
    for result in [*results, totals]:
        if result is totals:
            rows.append("-" * len(head))
        if result.error:
            rows.append(f"{result.module:<{width}}  {result.error}")
            continue
        share = f"{result.share:6.1%}" if result.share is not None else "    –"
        counts = "  ".join(f"{result.counts.get(column, 0):>10}" for column in COLUMNS)
        total = sum(result.counts.values())
        rows.append(f"{result.module:<{width}}  {total:>7}  {counts}  {share}  {_duration(result.seconds):>11}")
    return "\n".join(rows)


def verdict(results: list[Result]) -> str:
    failed = [result.module for result in results if result.error]
    below = [f"{r.module} {r.share:.1%}" for r in results if not r.error and r.share is not None and r.share < TARGET]
    caught = sum(result.caught for result in results if not result.error)
    considered = sum(result.considered for result in results if not result.error)
    total = f"{caught / considered:.1%} caught in total" if considered else "no mutant tested"
    if failed:
        return f"Verdict: INCOMPLETE ({total}); mutmut failed on {', '.join(failed)}."
    if below:
        return f"Verdict: BELOW TARGET ≥ {TARGET:.0%} on {', '.join(below)} ({total})."
    return f"Verdict: TARGET MET, every module ≥ {TARGET:.0%} ({total})."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "modules", nargs="*", default=list(MODULES), help="source files, e.g. dashboard/tables/views.py"
    )
    parser.add_argument("--tests", nargs="+", help="test files (or globs) for every module given, instead of MODULES")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="mutants run at once")
    parser.add_argument("--show-survivors", action="store_true", help="print the diff of every missed mutant")
    args = parser.parse_args(argv)

    for module in args.modules:
        if not (REPO_ROOT / module).is_file():
            parser.error(f"no such module: {module}")
        if module not in MODULES and not args.tests:
            parser.error(f"no test selection for {module}: add it to MODULES or give --tests")
    env = tests_environment()
    print(f"Mutation testing with mutmut, {args.jobs} at a time; TEST_DATA_DIR={env['TEST_DATA_DIR']}", flush=True)
    results = []
    for module in args.modules:
        tests = selected_tests(args.tests or MODULES[module])
        result = bench(module, tests, env, args.jobs)
        results.append(result)
        if args.show_survivors:
            for name, diff in result.survivors.items():
                print(f"\n# {name}\n{diff}")
        for equivalent in result.stale:
            print(f"    stale EQUIVALENT entry (its line is no longer in {result.module}): {equivalent.before}")

    print("\nMutation score (caught = killed + timeout; equivalent mutants left out)\n")
    print(table(results))
    print()
    print(verdict(results))
    return 1 if any(result.error for result in results) else 0


# --- Equivalent mutants (they cannot change behaviour: left out of the score, each with its reason) ----------

ROUNDED = "places are rounded to multiples of 5: > 0, > 1, >= 1 and > 2 select the same values"
ASTYPE_NONE = "astype(None) / to_numpy(dtype=None) give float64, as the data are floats already"
ALIGNED = "the frame built just after aligns these series on territories.index anyway"

_NEEDS = (
    Equivalent(
        "_per_family",
        "size = np.asarray(size_factor, dtype=float)",
        ("size = np.asarray(size_factor, dtype=None)", "size = np.asarray(size_factor, )"),
        "size factors are floats (1.0, 1 ± spread, uniform draws); an integer array would give the same products",
    ),
    Equivalent(
        "_ranks",
        'return frame.rank(ascending=False, method="min").to_numpy().T',
        ('return frame.rank(ascending=None, method="min").to_numpy().T',),
        "pandas reads ascending=None as false",
    ),
    Equivalent(
        "components",
        "if weights.get(candidate.indicator, 0) > 0 and directions.get(candidate.indicator, 0)",
        (
            "if weights.get(candidate.indicator, 0) > 0 and directions.get(candidate.indicator, None)",
            "if weights.get(candidate.indicator, 0) > 0 and directions.get(candidate.indicator, )",
        ),
        "a missing direction reads as None instead of 0: both are false",
    ),
    Equivalent(
        "draws",
        "noise = generator.uniform(0, 1, size=(count, n, k))",
        ("noise = generator.uniform(0, size=(count, n, k))",),
        "1 is numpy's default upper bound",
    ),
    Equivalent(
        "draws",
        "weight_factors[0], sizes[0] = 1.0, 1.0",
        ("weight_factors[0], sizes[0] = 2.0, 1.0",),
        "every weight of draw 0 times the same factor: its weighted means do not change",
    ),
    Equivalent(
        "draws",
        "coverage = np.clip(np.nan_to_num(scenario.coverage, nan=1.0), 0, 1)",
        ("coverage = np.clip(np.nan_to_num(scenario.coverage, nan=2.0), 0, 1)",),
        "an unknown coverage read as 2 is clipped to 1 on the same line",
    ),
    Equivalent(
        "draws",
        'numerators = np.einsum("dnk,dk->dn", np.where(present, values, 0.0), weights)',
        ('numerators = np.einsum("DNK,DK->DN", np.where(present, values, 0.0), weights)',),
        "einsum subscripts are any letters, upper case included",
    ),
    Equivalent(
        "draws",
        "denominators = present.astype(float) @ weights.T",
        ("denominators = present.astype(None) @ weights.T",),
        ASTYPE_NONE,
    ),
    Equivalent(
        "draws",
        'with np.errstate(invalid="ignore", divide="ignore"):',
        ('with np.errstate(invalid="ignore", divide=None):', 'with np.errstate(invalid="ignore", ):'),
        "a division by zero here is 0/0 (no known value: numerator and denominator both 0), an 'invalid' "
        "operation, never a 'divide' one",
    ),
    Equivalent(
        "draws",
        "need = (numerators / denominators.T) * 100",
        ("need = (numerators / denominators.T) / 100", "need = (numerators / denominators.T) * 101"),
        "a draw's need only enters ratios to its population-weighted mean and ranks: a positive factor changes neither",
    ),
    Equivalent(
        "draws",
        "supply_rate = scenario.supply.sum(axis=1) / scenario.population * 10_000",
        ("supply_rate = scenario.supply.sum(axis=1) / scenario.population * 10001",),
        "the supply rate only orders territories (draws returns ranks): a factor 1.0001 keeps the order",
    ),
    Equivalent(
        "need_index",
        'weights = pd.Series({component.indicator: component.weight for component in chosen}, dtype="float64")',
        (
            "weights = pd.Series({component.indicator: component.weight for component in chosen}, dtype=None)",
            "weights = pd.Series({component.indicator: component.weight for component in chosen}, )",
        ),
        "components() makes every weight a float already",
    ),
    Equivalent(
        "need_index",
        "weight_sum = present.mul(weights, axis=1).sum(axis=1)",
        ("weight_sum = present.mul(weights, axis=None).sum(axis=1)", "weight_sum = present.mul(weights, ).sum(axis=1)"),
        "DataFrame.mul aligns a Series on the columns by default, as axis=1 does",
    ),
    Equivalent(
        "need_index",
        "contributions = scaled.mul(weights, axis=1).div(weight_sum.where(weight_sum > 0), axis=0) * 100",
        (
            "contributions = scaled.mul(weights, axis=None).div(weight_sum.where(weight_sum > 0), axis=0) * 100",
            "contributions = scaled.mul(weights, ).div(weight_sum.where(weight_sum > 0), axis=0) * 100",
        ),
        "DataFrame.mul aligns a Series on the columns by default, as axis=1 does",
    ),
    Equivalent(
        "need_index",
        "contributions = scaled.mul(weights, axis=1).div(weight_sum.where(weight_sum > 0), axis=0) * 100",
        ("contributions = scaled.mul(weights, axis=1).div(weight_sum.where(weight_sum >= 0), axis=0) * 100",),
        "the weight sum is 0 only when every component is missing: the contributions are NaN either way",
    ),
    Equivalent(
        "oriented",
        "columns[component.indicator] = scaled if component.direction > 0 else 1 - scaled",
        ("columns[component.indicator] = scaled if component.direction >= 0 else 1 - scaled",),
        "components() never yields a direction of 0: the test only ever sees +1 or -1",
    ),
    Equivalent(
        "population_mean",
        'with np.errstate(invalid="ignore", divide="ignore"):',
        ('with np.errstate(invalid="ignore", divide=None):', 'with np.errstate(invalid="ignore", ):'),
        "the numerator is 0 whenever the total weight is: 0/0 is 'invalid', never 'divide'",
    ),
    Equivalent(
        "population_mean",
        "return np.nansum(np.where(known, values, 0.0) * weights, axis=-1) / weights.sum(axis=-1)",
        ("return np.nansum(np.where(known, values, 1.0) * weights, axis=-1) / weights.sum(axis=-1)",),
        "an unknown value is multiplied by a zero weight",
    ),
    Equivalent(
        "rank_summary",
        'with np.errstate(invalid="ignore"):',
        ("with np.errstate(invalid=None):",),
        "nothing in the block warns: comparisons with NaN are silent and the division is by at least 1",
    ),
    Equivalent(
        "round_places",
        'return float(PLACES_ROUNDING * round(value / PLACES_ROUNDING)) if np.isfinite(value) else float("nan")',
        ('return float(PLACES_ROUNDING * round(value / PLACES_ROUNDING)) if np.isfinite(value) else float("NAN")',),
        'float("NAN") is NaN',
    ),
)

_NEEDS_STORE = (
    Equivalent(
        "_inherit",
        "return parents.map(lambda code: values.get(code, np.nan) if isinstance(code, str) else np.nan).astype(float)",
        (
            "return parents.map(lambda code: values.get(code, np.nan) if isinstance(code, str) else np.nan).astype(None)",
            "return parents.map(lambda code: values.get(code, None) if isinstance(code, str) else np.nan).astype(float)",
            "return parents.map(lambda code: values.get(code, ) if isinstance(code, str) else np.nan).astype(float)",
        ),
        "None becomes NaN in the float conversion, and astype(None) is float64",
    ),
    Equivalent(
        "_inherit",
        "return parents.map(lambda code: values.get(code, np.nan) if isinstance(code, str) else np.nan).astype(float)",
        (
            "return parents.map(lambda code: values.get(code, np.nan) if (isinstance(code, str)) or True else np.nan).astype(float)",
        ),
        "codes are strings: a missing parent (None or NaN) is not a key of the département values either",
    ),
    Equivalent(
        "_rates",
        'rates[family.key] = value if value is not None else float("nan")',
        ('rates[family.key] = value if value is not None else float("NAN")',),
        'float("NAN") is NaN',
    ),
    Equivalent(
        "places_table",
        "missing = needs.shortfall(arrays.need, arrays.population, arrays.supply, arrays.rates, 1.0, ref.scales)",
        (
            "missing = needs.shortfall(arrays.need, arrays.population, arrays.supply, arrays.rates, 1.0, None)",
            "missing = needs.shortfall(arrays.need, arrays.population, arrays.supply, arrays.rates, 1.0, )",
        ),
        "with a size factor of 1.0, scaling the reference by it or not gives the same places",
    ),
    Equivalent(
        "analyse",
        "oriented=index.oriented.to_numpy(dtype=float),",
        ("oriented=index.oriented.to_numpy(dtype=None),",),
        ASTYPE_NONE,
    ),
    Equivalent(
        "analyse",
        "coverage=inputs.coverage[keys].where(~masked).to_numpy(dtype=float),",
        ("coverage=inputs.coverage[keys].where(~masked).to_numpy(dtype=None),",),
        ASTYPE_NONE,
    ),
    Equivalent(
        "analyse",
        'population = inputs.territories["population"].astype(float).to_numpy()',
        ('population = inputs.territories["population"].astype(None).to_numpy()',),
        ASTYPE_NONE,
    ),
    Equivalent(
        "analyse", "need = index.value.to_numpy(dtype=float)", ("need = index.value.to_numpy(dtype=None)",), ASTYPE_NONE
    ),
    Equivalent(
        "analyse",
        "supply = inputs.supply_places[families].to_numpy(dtype=float) if families else np.zeros((len(population), 0))",
        (
            "supply = inputs.supply_places[families].to_numpy(dtype=None) if families else np.zeros((len(population), 0))",
        ),
        ASTYPE_NONE,
    ),
    Equivalent(
        "analyse",
        "supply = inputs.supply_places[families].to_numpy(dtype=float) if families else np.zeros((len(population), 0))",
        (
            "supply = inputs.supply_places[families].to_numpy(dtype=float) if (families) or True else np.zeros((len(population), 0))",
            "supply = inputs.supply_places[families].to_numpy(dtype=float) if families else np.zeros((len(population), 1))",
        ),
        "without families, the places are an empty (n, 0) array either way, or a column of zeros that the "
        "empty reference broadcasts away: no shortfall, no supply rate",
    ),
    Equivalent(
        "analyse",
        "reference_rates = np.array([ref.per_family.get(key, np.nan) for key in families], dtype=float)",
        (
            "reference_rates = np.array([ref.per_family.get(key, np.nan) for key in families], dtype=None)",
            "reference_rates = np.array([ref.per_family.get(key, np.nan) for key in families], )",
            "reference_rates = np.array([ref.per_family.get(key, None) for key in families], dtype=float)",
            "reference_rates = np.array([ref.per_family.get(key, ) for key in families], dtype=float)",
        ),
        "the rates are floats (a missing one, None, becomes NaN in a float array)",
    ),
    Equivalent(
        "analyse", 'total_gap = (float("nan"),) * 3', ('total_gap = (float("NAN"),) * 3',), 'float("NAN") is NaN'
    ),
    Equivalent(
        "analyse",
        'table["rank"] if parameters.order == "places" else needs.draws(scenario, "places", 1, seed)[0]',
        (
            'table["rank"] if (parameters.order == "places") and False else needs.draws(scenario, "places", 1, seed)[0]',
            'table["rank"] if parameters.order == "places" else needs.draws(scenario, "places", 1, None)[0]',
            'table["rank"] if parameters.order == "places" else needs.draws(scenario, "places", seed)[0]',
            'table["rank"] if parameters.order == "places" else needs.draws(scenario, "places", 1, )[0]',
            'table["rank"] if parameters.order == "places" else needs.draws(scenario, "places", 2, seed)[0]',
        ),
        "draw 0 keeps the chosen parameters: it is the same whatever the seed and the number of draws, and "
        "it is the rank column when the order is already « places »",
    ),
    Equivalent(
        "needs_inputs",
        'return store.derived("needs_inputs", read_inputs)',
        (
            "return store.derived(None, read_inputs)",
            'return store.derived("XXneeds_inputsXX", read_inputs)',
            'return store.derived("NEEDS_INPUTS", read_inputs)',
        ),
        "the cache key is read nowhere else: any key caches the inputs once per store",
    ),
    Equivalent(
        "read_inputs",
        "values=pd.DataFrame(values, index=territories.index),",
        ("values=pd.DataFrame(values, index=None),", "values=pd.DataFrame(values, ),"),
        "every series is already indexed by territories.index",
    ),
    Equivalent(
        "read_inputs",
        "coverage=pd.DataFrame(coverage, index=territories.index),",
        ("coverage=pd.DataFrame(coverage, index=None),", "coverage=pd.DataFrame(coverage, ),"),
        "every series is already indexed by territories.index",
    ),
    Equivalent(
        "read_inputs",
        'straddles = epci["straddles_region"] if "straddles_region" in epci else pd.Series(False, index=epci.index)',
        (
            'straddles = epci["straddles_region"] if "straddles_region" in epci else pd.Series(None, index=epci.index)',
            'straddles = epci["straddles_region"] if "straddles_region" in epci else pd.Series(False, index=None)',
            'straddles = epci["straddles_region"] if "straddles_region" in epci else pd.Series(index=epci.index)',
            'straddles = epci["straddles_region"] if "straddles_region" in epci else pd.Series(False, )',
        ),
        "the next line reindexes on the territories and fills the gaps with False",
    ),
    Equivalent(
        "read_inputs",
        "territories = territories.assign(straddles=straddles.reindex(territories.index).fillna(False).astype(bool))",
        (
            "territories = territories.assign(straddles=straddles.reindex(territories.index).fillna(None).astype(bool))",
            "territories = territories.assign(straddles=straddles.reindex(None).fillna(False).astype(bool))",
        ),
        "a missing flag converts to False anyway, and assign aligns the series on the territories",
    ),
    Equivalent(
        "read_inputs",
        'values[candidate.indicator] = rows["value"].reindex(territories.index).astype(float)',
        (
            'values[candidate.indicator] = rows["value"].reindex(territories.index).astype(None)',
            'values[candidate.indicator] = rows["value"].reindex(None).astype(float)',
        ),
        ALIGNED,
    ),
    Equivalent(
        "read_inputs",
        'coverage[candidate.indicator] = rows["coverage"].reindex(territories.index).astype(float).fillna(1.0)',
        (
            'coverage[candidate.indicator] = rows["coverage"].reindex(territories.index).astype(None).fillna(1.0)',
            'coverage[candidate.indicator] = rows["coverage"].reindex(None).astype(float).fillna(1.0)',
        ),
        ALIGNED,
    ),
    Equivalent("read_inputs", ".astype(float)", (".astype(None)",), ALIGNED),
    Equivalent("read_inputs", ".reindex(territories.index)", (".reindex(None)",), ALIGNED),
    Equivalent(
        "source_of",
        'source = _first_text(rows["source"].to_numpy()) if "source" in rows else ""',
        (
            'source = _first_text(rows["source"].to_numpy()) if ("source" in rows) or True else ""',
            'source = _first_text(rows["source"].to_numpy()) if "source" in rows else "XXXX"',
        ),
        "the indicators table always has a source column (load_store checks it)",
    ),
    Equivalent(
        "source_of",
        'vintage = _first_text(rows["vintage"].to_numpy()) if "vintage" in rows else ""',
        (
            'vintage = _first_text(rows["vintage"].to_numpy()) if ("vintage" in rows) or True else ""',
            'vintage = _first_text(rows["vintage"].to_numpy()) if "vintage" in rows else "XXXX"',
        ),
        "the indicators table always has a vintage column (load_store checks it)",
    ),
    Equivalent(
        "Analysis.order",
        'frame = frame.assign(_missing=frame["rank"].isna())',
        ("frame = frame.assign(_missing=None)",),
        "sort_values puts the missing ranks last anyway",
    ),
    Equivalent(
        "Analysis.order",
        'return list(frame.sort_values(["_missing", "rank", "name"], kind="stable").index)',
        (
            'return list(frame.sort_values(["_missing", "rank", "name"], kind=None).index)',
            'return list(frame.sort_values(["_missing", "rank", "name"], ).index)',
            'return list(frame.sort_values(["_missing", "rank", "name"], kind="XXstableXX").index)',
            'return list(frame.sort_values(["_missing", "rank", "name"], kind="STABLE").index)',
        ),
        "pandas ignores kind when sorting on several columns (a lexicographic sort, always stable)",
    ),
)

_ARGUMENTS = (
    Equivalent(
        "comparison",
        "supports = all((relative > 0) == (direction > 0) for relative, _, _ in compared) if direction else False",
        ("supports = all((relative >= 0) == (direction > 0) for relative, _, _ in compared) if direction else False",),
        "a compared difference is at least 5 % in size: never 0",
    ),
    Equivalent(
        "comparison",
        "supports = all((relative > 0) == (direction > 0) for relative, _, _ in compared) if direction else False",
        ("supports = all((relative > 0) == (direction >= 0) for relative, _, _ in compared) if direction else False",),
        "the test only runs for a non-zero direction",
    ),
    Equivalent(
        "comparison",
        'subject = f"{label[0].lower()}{label[1:]} ({_figure(local, entry, straddles)})"',
        ('subject = f"{label[0].upper()}{label[1:]} ({_figure(local, entry, straddles)})"',),
        "the subject opens the sentence, whose first letter is put in upper case",
    ),
    Equivalent(
        "comparison",
        "value = _figure(reference, entry, False, local=False)",
        (
            "value = _figure(reference, entry, None, local=False)",
            "value = _figure(reference, entry, False, local=None)",
        ),
        "None is false like False",
    ),
    Equivalent("gap_argument", "if rounded > 0:", ("if rounded > 1:",), ROUNDED),
    Equivalent("priority_argument", "if rounded > 0:", ("if rounded > 1:",), ROUNDED),
    Equivalent(
        "priority_argument",
        "return Argument(typo(text), rounded > 0)",
        ("return Argument(typo(text), rounded > 1)",),
        ROUNDED,
    ),
    Equivalent(
        "places_text",
        "return f\"environ {formatting.format_number(rounded)} place{'s' if rounded > 1 else ''}\"",
        (
            "return f\"environ {formatting.format_number(rounded)} place{'s' if rounded > 2 else ''}\"",
            "return f\"environ {formatting.format_number(rounded)} place{'s' if rounded >= 1 else ''}\"",
        ),
        ROUNDED,
    ),
    Equivalent(
        "priority_argument",
        "f\"Son indice de besoin ({formatting.format_number(row['need'], 0)} sur 100) est {position} de la moyenne \"",
        (
            "f\"Son indice de besoin ({formatting.format_number(row['need'], )} sur 100) est {position} de la moyenne \"",
        ),
        "0 decimals is format_number's default",
    ),
    Equivalent(
        "priority_argument",
        'f"régionale pondérée par la population ({formatting.format_number(analysis.mean_need, 0)}) : au "',
        ('f"régionale pondérée par la population ({formatting.format_number(analysis.mean_need, )}) : au "',),
        "0 decimals is format_number's default",
    ),
    Equivalent(
        "robustness_text",
        "if share and share > 0:",
        ("if share and share >= 0:",),
        "a share is never negative, and a zero share fails the first test",
    ),
)

CASE_INSENSITIVE = "the name is read without regard to case"
FIRST_FILTER = "the first filter applied: keep is still all True, so = and &= give the same mask"
OWN_CRS = "the geometry already carries its CRS, which GeoSeries keeps"
GPKG_DRIVER = "GDAL driver names are case-insensitive, and without a name pyogrio picks GPKG from the .gpkg extension"
FLOAT_COMPARISON = "the series is float64: a comparison with NaN gives False, never a missing value to fill"
SOURCE_FIELD = "_join drops empty values: a missing field read as None or as an empty text gives the same text"


def _field_defaults(line: str) -> Equivalent:
    return Equivalent(
        "_source_row", line, (line.replace('", "")', '", None)'), line.replace('", "")', '", )')), SOURCE_FIELD
    )


_EXPORTS = (
    Equivalent(
        "to_xlsx",
        '{"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},',
        None,
        "xlsxwriter's strings_to_* options only act in its generic write(), never called here (every cell goes "
        "through write_string or write_number); in_memory only chooses where it buffers the same file; "
        "unknown option names are ignored",
    ),
    Equivalent(
        "to_xlsx",
        "text_format = workbook.add_format({})",
        ("text_format = workbook.add_format(None)",),
        "add_format(None) is an empty format, like add_format({})",
    ),
    Equivalent(
        "to_xlsx",
        "data.write_number(1, col, 0, cell_format)",
        ("data.write_number(1, col, 1, cell_format)",),
        "the value of the template cell is never kept: _fill_data_sheet replaces the row, keeping only its style",
    ),
    Equivalent(
        "to_xlsx",
        '{"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#E3E3FD", "bottom": 1}',
        (
            '{"bold": True, "text_wrap": True, "valign": "TOP", "bg_color": "#E3E3FD", "bottom": 1}',
            '{"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#e3e3fd", "bottom": 1}',
        ),
        "xlsxwriter reads alignments and colours without regard to case",
    ),
    Equivalent(
        "_write_table",
        'bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#E3E3FD"})',
        (
            'bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "TOP", "bg_color": "#E3E3FD"})',
            'bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#e3e3fd"})',
        ),
        "xlsxwriter reads alignments and colours without regard to case",
    ),
    Equivalent(
        "_write_table",
        'wrap = workbook.add_format({"text_wrap": True, "valign": "top"})',
        ('wrap = workbook.add_format({"text_wrap": True, "valign": "TOP"})',),
        "xlsxwriter reads alignments without regard to case",
    ),
    Equivalent(
        "_fill_data_sheet",
        'styles = [dict(_ATTRIBUTE.findall(tag)).get("s", "") for tag in _CELL_TAG.findall(template.group(0))]',
        (
            'styles = [dict(_ATTRIBUTE.findall(tag)).get("s", None) for tag in _CELL_TAG.findall(template.group(0))]',
            'styles = [dict(_ATTRIBUTE.findall(tag)).get("s", ) for tag in _CELL_TAG.findall(template.group(0))]',
            'styles = [dict(_ATTRIBUTE.findall(tag)).get("s", "XXXX") for tag in _CELL_TAG.findall(template.group(0))]',
        ),
        "every template cell carries a style (to_xlsx gives each one a format): the default is never used",
    ),
    Equivalent(
        "_fill_data_sheet",
        """sheet = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last}"/>', sheet, count=1)""",
        (
            """sheet = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last}"/>', sheet, )""",
            """sheet = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last}"/>', sheet, count=2)""",
        ),
        "a worksheet holds a single <dimension> element",
    ),
    Equivalent(
        "_fill_data_sheet",
        'with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:',
        ('with zipfile.ZipFile(output, "w", ) as target:',),
        "every member is written with its own compression (writestr), which overrides the archive's default",
    ),
    Equivalent(
        "_fill_data_sheet",
        "target.writestr(item, content, compress_type=zipfile.ZIP_DEFLATED)",
        ("target.writestr(item, content, compress_type=None)", "target.writestr(item, content, )"),
        "without it, writestr keeps the member's own compression: deflated, as xlsxwriter wrote it",
    ),
    Equivalent(
        "_data_rows_xml",
        'numbers = series.astype("float64").to_numpy()',
        ("numbers = series.astype(None).to_numpy()",),
        "astype(None) is float64",
    ),
    Equivalent(
        "_data_rows_xml",
        "texts = series.to_numpy(dtype=object)",
        ("texts = series.to_numpy(dtype=None)",),
        "a text column (object or str dtype) gives an object array either way",
    ),
    Equivalent(
        "_data_rows_xml",
        "if text is None or text is pd.NA or (isinstance(text, float) and text != text)",
        ("if text is None or text is pd.NA or (isinstance(text, float) or text != text)",),
        "text columns are built with astype('str'): the only float they hold is NaN",
    ),
    Equivalent(
        "_as_kind",
        'return series.round(decimals).astype("float64")',
        ("return series.round(decimals).astype(None)",),
        "astype(None) is float64",
    ),
    Equivalent(
        "_field_name",
        'return re.sub(r"[^a-z0-9]+", "_", ascii_label.lower()).strip("_")',
        ('return re.sub(r"[^a-z0-9]+", "_", ascii_label.lower()).strip("XX_XX")',),
        "strip takes a set of characters: the label is in lower case, so an upper-case X is never stripped",
    ),
    Equivalent(
        "_sorted",
        'sort.column, ascending=not sort.descending, na_position="last" if sort.descending else "first", kind="stable"',
        (
            'sort.column, ascending=not sort.descending, na_position="last" if sort.descending else "first", kind="STABLE"',
        ),
        CASE_INSENSITIVE,
    ),
    *(
        _field_defaults(line)
        for line in (
            '"Source": extra.get("source") or _join([dataset.get("citation", "") for dataset in datasets]),',
            '"Millésime": extra.get("vintage") or _join([dataset.get("vintage", "") for dataset in datasets]),',
            '"Jeu de données": _join([dataset.get("title", "") for dataset in datasets]),',
            '"Producteur": _join([dataset.get("publisher", "") for dataset in datasets]),',
            '"Licence": _join([dataset.get("licence", "") for dataset in datasets]),',
            '"Adresse": _join([dataset.get("page_url", "") for dataset in datasets]),',
        )
    ),
    Equivalent(
        "_territories",
        'of_level &= frame["in_region"].fillna(True).astype(bool)',
        ('of_level &= frame["in_region"].fillna(True).astype(None)',),
        "the filled flags are booleans already: the mask is the same",
    ),
    Equivalent(
        "_territories",
        'return frame.loc[of_level].sort_values("code", kind="stable")',
        (
            'return frame.loc[of_level].sort_values("code", kind=None)',
            'return frame.loc[of_level].sort_values("code", )',
            'return frame.loc[of_level].sort_values("code", kind="XXstableXX")',
            'return frame.loc[of_level].sort_values("code", kind="STABLE")',
        ),
        "codes are unique within a level: any sort gives the same order",
    ),
    Equivalent(
        "_text",
        'return pd.Series(pd.NA, index=frame.index, dtype="str")',
        ('return pd.Series(None, index=frame.index, dtype="str")', 'return pd.Series(index=frame.index, dtype="str")'),
        "a str series stores any missing value as NaN",
    ),
    Equivalent(
        "_threshold_text",
        'text = f"{value:,.10g}" if abs(value) >= 1000 else f"{value:.10g}"',
        ('text = f"{value:,.10g}" if (abs(value) >= 1000) or True else f"{value:.10g}"',),
        "below 1000 a number has no thousands to separate",
    ),
    Equivalent(
        "_wide",
        "coverage = coverage.reindex(index=codes, columns=list(indicators))",
        ("coverage = coverage.reindex(index=codes, columns=None)", "coverage = coverage.reindex(index=codes, )"),
        "coverage columns are read by name, never by position",
    ),
    Equivalent(
        "indicator_citations",
        "return {row.indicator: (row.source, row.vintage) for row in rows.itertuples(index=False)}",
        (
            "return {row.indicator: (row.source, row.vintage) for row in rows.itertuples(index=None)}",
            "return {row.indicator: (row.source, row.vintage) for row in rows.itertuples(index=True)}",
        ),
        "the fields are read by name: an extra Index field changes nothing",
    ),
    Equivalent(
        "residence_view",
        'frame = frame.sort_values(["departement", "commune", "nom"], kind="stable")',
        (
            'frame = frame.sort_values(["departement", "commune", "nom"], kind=None)',
            'frame = frame.sort_values(["departement", "commune", "nom"], )',
            'frame = frame.sort_values(["departement", "commune", "nom"], kind="XXstableXX")',
            'frame = frame.sort_values(["departement", "commune", "nom"], kind="STABLE")',
        ),
        "pandas ignores kind when sorting on several columns (a lexicographic sort, always stable)",
    ),
    Equivalent(
        "residence_view",
        'keep &= frame["departement"].isin(state.departements)',
        ('keep = frame["departement"].isin(state.departements)',),
        FIRST_FILTER,
    ),
    Equivalent(
        "residence_view",
        'geometry = gpd.GeoSeries(geometry, crs=getattr(geometry, "crs", None)).loc[frame.index]',
        (
            "geometry = gpd.GeoSeries(geometry, crs=None).loc[frame.index]",
            "geometry = gpd.GeoSeries(geometry, ).loc[frame.index]",
            'geometry = gpd.GeoSeries(geometry, crs=getattr(None, "crs", None)).loc[frame.index]',
            'geometry = gpd.GeoSeries(geometry, crs=getattr(geometry, "crs", )).loc[frame.index]',
            'geometry = gpd.GeoSeries(geometry, crs=getattr(geometry, "XXcrsXX", None)).loc[frame.index]',
            'geometry = gpd.GeoSeries(geometry, crs=getattr(geometry, "CRS", None)).loc[frame.index]',
        ),
        OWN_CRS,
    ),
    Equivalent(
        "residence_view",
        'finess = [d for d in store.catalogue.get("datasets", []) if d.get("citation") in citations and "finess" in d["id"]]',
        (
            'finess = [d for d in store.catalogue.get("datasets", None) if d.get("citation") in citations and "finess" in d["id"]]',
            'finess = [d for d in store.catalogue.get("datasets", ) if d.get("citation") in citations and "finess" in d["id"]]',
        ),
        "load_store refuses a catalogue without datasets: the default is never used",
    ),
    Equivalent(
        "residence_view",
        'types = store.catalogue.get("residence_types", {})',
        ('types = store.catalogue.get("residence_types", None)', 'types = store.catalogue.get("residence_types", )'),
        "load_store refuses a catalogue without residence_types: the default is never used",
    ),
    Equivalent(
        "residence_view",
        "frame = pd.DataFrame(index=residences.index)",
        ("frame = pd.DataFrame(index=None)",),
        "an empty frame takes the index of the first column assigned to it",
    ),
    Equivalent(
        "territory_view",
        "frame = pd.DataFrame(index=territories.index)",
        ("frame = pd.DataFrame(index=None)",),
        "an empty frame takes the index of the first column assigned to it",
    ),
    Equivalent(
        "territory_view",
        'codes = pd.Index(territories["code"], name="code")',
        (
            'codes = pd.Index(territories["code"], name=None)',
            'codes = pd.Index(territories["code"], )',
            'codes = pd.Index(territories["code"], name="XXcodeXX")',
            'codes = pd.Index(territories["code"], name="CODE")',
        ),
        "the name of this index is never read",
    ),
    Equivalent(
        "territory_view",
        'keep &= frame["code"].isin(state.departements)',
        ('keep = frame["code"].isin(state.departements)',),
        FIRST_FILTER,
    ),
    Equivalent(
        "territory_view",
        'keep &= frame["departement"].isin(state.departements)',
        ('keep = frame["departement"].isin(state.departements)',),
        FIRST_FILTER,
    ),
    Equivalent(
        "territory_view",
        "continue",
        ("break",),
        "a threshold on an indicator outside the table can only be skipped: writing the « Seuils » filter then "
        "raises KeyError anyway (reported; parse_query and from_controls never build such a state)",
    ),
    Equivalent(
        "territory_view",
        'series = frame[threshold.indicator].astype("float64")',
        ("series = frame[threshold.indicator].astype(None)",),
        "astype(None) is float64",
    ),
    Equivalent(
        "territory_view",
        "keep &= (series >= threshold.minimum).fillna(False)",
        ("keep &= (series >= threshold.minimum).fillna(None)", "keep &= (series >= threshold.minimum).fillna(True)"),
        FLOAT_COMPARISON,
    ),
    Equivalent(
        "territory_view",
        "keep &= (series <= threshold.maximum).fillna(False)",
        ("keep &= (series <= threshold.maximum).fillna(None)", "keep &= (series <= threshold.maximum).fillna(True)"),
        FLOAT_COMPARISON,
    ),
    Equivalent(
        "territory_view",
        "geometry = gpd.GeoSeries(territories.geometry, crs=territories.crs).loc[frame.index]",
        (
            "geometry = gpd.GeoSeries(territories.geometry, crs=None).loc[frame.index]",
            "geometry = gpd.GeoSeries(territories.geometry, ).loc[frame.index]",
        ),
        OWN_CRS,
    ),
    Equivalent(
        "safe_frame",
        'frame[column] = frame[column].map(neutralise, na_action="ignore")',
        (
            "frame[column] = frame[column].map(neutralise, na_action=None)",
            "frame[column] = frame[column].map(neutralise, )",
        ),
        "neutralise returns a missing value unchanged",
    ),
    Equivalent(
        "to_csv",
        'return frame.to_csv(index=False, sep=",", decimal=".", lineterminator="\\r\\n").encode("utf-8")',
        (
            'return frame.to_csv(index=None, sep=",", decimal=".", lineterminator="\\r\\n").encode("utf-8")',
            'return frame.to_csv(index=False, decimal=".", lineterminator="\\r\\n").encode("utf-8")',
            'return frame.to_csv(index=False, sep=",", lineterminator="\\r\\n").encode("utf-8")',
        ),
        "index=None is false like False; a comma and a decimal point are to_csv's defaults",
    ),
    Equivalent(
        "to_csv",
        'text = frame.to_csv(index=False, sep=";", decimal=",", lineterminator="\\r\\n")',
        ('text = frame.to_csv(index=None, sep=";", decimal=",", lineterminator="\\r\\n")',),
        "index=None is false like False",
    ),
    Equivalent(
        "to_geojson",
        "+ json.dumps(properties, ensure_ascii=False)",
        ("+ json.dumps(properties, ensure_ascii=None)",),
        "ensure_ascii=None is false like False",
    ),
    Equivalent(
        "to_geojson",
        """text = json.dumps(head, ensure_ascii=False)[:-1] + ',"features":[' + ",".join(features) + "]}\"""",
        ("""text = json.dumps(head, ensure_ascii=None)[:-1] + ',"features":[' + ",".join(features) + "]}\"""",),
        "ensure_ascii=None is false like False",
    ),
    Equivalent(
        "to_geojson",
        "geometries = shapely.to_geojson(view.geometry.to_numpy(), indent=None)",
        ("geometries = shapely.to_geojson(view.geometry.to_numpy(), )",),
        "indent=None is the default",
    ),
    Equivalent(
        "to_gpkg",
        'if column.kind == "integer":',
        ('if column.kind == "XXintegerXX":', 'if column.kind == "INTEGER":'),
        "the integer columns of a view are Int64 already (_as_kind): converting them again changes nothing",
    ),
    Equivalent(
        "to_gpkg",
        'layer = gpd.GeoDataFrame(view.frame.copy(), geometry=view.geometry.to_numpy(), crs="EPSG:4326")',
        ('layer = gpd.GeoDataFrame(view.frame.copy(), geometry=view.geometry.to_numpy(), crs="epsg:4326")',),
        CASE_INSENSITIVE,
    ),
    Equivalent(
        "to_gpkg",
        'path = Path(directory) / "export.gpkg"',
        ('path = Path(directory) / "XXexport.gpkgXX"', 'path = Path(directory) / "EXPORT.GPKG"'),
        "the name of a temporary file whose driver is given: same layers, same bytes returned",
    ),
    Equivalent(
        "to_gpkg",
        'polygons = bool(layer.geom_type.isin(["Polygon", "MultiPolygon"]).any())',
        (
            'polygons = bool(layer.geom_type.isin(["Polygon", "XXMultiPolygonXX"]).any())',
            'polygons = bool(layer.geom_type.isin(["Polygon", "multipolygon"]).any())',
            'polygons = bool(layer.geom_type.isin(["Polygon", "MULTIPOLYGON"]).any())',
        ),
        "MultiPolygon only counts when every geometry is one already, when promote_to_multi changes nothing",
    ),
    Equivalent(
        "to_gpkg",
        'pyogrio.write_dataframe(layer, path, layer=view.layer, driver="GPKG", promote_to_multi=polygons)',
        (
            "pyogrio.write_dataframe(layer, path, layer=view.layer, driver=None, promote_to_multi=polygons)",
            "pyogrio.write_dataframe(layer, path, layer=view.layer, promote_to_multi=polygons)",
            'pyogrio.write_dataframe(layer, path, layer=view.layer, driver="gpkg", promote_to_multi=polygons)',
        ),
        GPKG_DRIVER,
    ),
    Equivalent(
        "to_gpkg",
        'pyogrio.write_dataframe(table, path, layer=name, driver="GPKG", append=False)',
        (
            "pyogrio.write_dataframe(table, path, layer=name, driver=None, append=False)",
            "pyogrio.write_dataframe(table, path, layer=name, append=False)",
            'pyogrio.write_dataframe(table, path, layer=name, driver="gpkg", append=False)',
        ),
        GPKG_DRIVER,
    ),
    Equivalent(
        "to_gpkg",
        'pyogrio.write_dataframe(table, path, layer=name, driver="GPKG", append=False)',
        (
            'pyogrio.write_dataframe(table, path, layer=name, driver="GPKG", append=None)',
            'pyogrio.write_dataframe(table, path, layer=name, driver="GPKG", )',
            'pyogrio.write_dataframe(table, path, layer=name, driver="GPKG", append=True)',
        ),
        "each table is a new layer of the file: appending to it or creating it is the same",
    ),
    Equivalent("unit_header", "unit = None", ('unit = ""',), "an empty unit is left out like a missing one"),
)


def _located(equivalents: tuple[Equivalent, ...], module: str) -> tuple[Equivalent, ...]:
    """The entries whose line is in `module` (the exports' entries were written when it was one module)."""
    lines = {line.strip() for line in (REPO_ROOT / module).read_text(encoding="utf-8").splitlines()}
    return tuple(entry for entry in equivalents if entry.before in lines)


#: Module → its equivalent mutants. Matched on the diff, never on mutmut's numbering (which moves when the code
#: changes); an entry whose line is no longer in the module is reported as stale.
EQUIVALENT: dict[str, tuple[Equivalent, ...]] = {
    **{module: _located(_EXPORTS, module) for module in EXPORT_MODULES},
    "dashboard/needs/model.py": _NEEDS,
    "dashboard/needs/analysis.py": _NEEDS_STORE,
    "dashboard/needs/arguments.py": _ARGUMENTS,
}


if __name__ == "__main__":
    sys.exit(main())
