"""The store switch: builds in `builds/`, `processed` a link replaced in one rename, the previous build kept.

A crash is simulated at every file-system operation of the switch (the operation raises), and a spy checks,
between any two operations, that `processed` is a complete store: so a process killed at any instant leaves
one too."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from loaders import store
from loaders.store import STORE_FILES, write_atomically


def writer(tag: str):
    """A build writing every store file, each holding `tag`."""

    def write(folder: Path) -> None:
        for name in STORE_FILES:
            (folder / name).write_text(tag, encoding="utf-8")

    return write


def tag_of(processed: Path) -> str:
    """The tag of the complete store `processed` resolves to (fails if it is missing or incomplete)."""
    assert processed.is_dir(), f"{processed} absent"
    tags = {(processed / name).read_text(encoding="utf-8") for name in STORE_FILES}
    assert sorted(path.name for path in processed.iterdir()) == sorted(STORE_FILES)
    assert len(tags) == 1, f"magasin mélangé : {tags}"
    return tags.pop()


def builds(data: Path) -> list[str]:
    """Build folders (work entries left out), oldest first."""
    return sorted(path.name for path in (data / "builds").iterdir() if not path.name.startswith("."))


class Operations:
    """Wraps the file-system calls of `loaders.store`: checks an invariant after each one, or raises at one."""

    NAMES = ("rename", "replace", "symlink", "unlink")

    def __init__(self, monkeypatch: pytest.MonkeyPatch, check, fail_at: int | None = None) -> None:
        self.calls: list[str] = []
        self.check = check
        self.fail_at = fail_at
        for name in self.NAMES:
            monkeypatch.setattr(store.os, name, self._wrap(name, getattr(os, name)))
        monkeypatch.setattr(store, "exchange", self._wrap("exchange", store.exchange))

    def _wrap(self, name: str, function):
        def wrapped(*args, **kwargs):
            if self.fail_at is not None and len(self.calls) == self.fail_at:
                self.calls.append(f"{name} (panne)")
                raise OSError(f"panne simulée pendant {name}")
            result = function(*args, **kwargs)
            self.calls.append(name)
            self.check()
            return result

        return wrapped


def test_first_build_links_processed_to_its_build_folder(tmp_path: Path):
    processed = tmp_path / "processed"
    folder = write_atomically(processed, writer("un"))
    assert processed.is_symlink() and tag_of(processed) == "un"
    assert os.readlink(processed) == f"builds/{folder.name}"  # relative: the data folder can move
    assert builds(tmp_path) == [folder.name]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["builds", "processed"]


def test_a_new_build_switches_the_link_keeps_the_previous_build_and_deletes_older_ones(tmp_path: Path):
    processed = tmp_path / "processed"
    first = write_atomically(processed, writer("un"))
    second = write_atomically(processed, writer("deux"))
    assert tag_of(processed) == "deux"
    assert builds(tmp_path) == [first.name, second.name]
    assert tag_of(first) == "un"  # rollback possible: the previous build is intact
    third = write_atomically(processed, writer("trois"))
    assert tag_of(processed) == "trois"
    assert builds(tmp_path) == [second.name, third.name]
    assert store.current_build(processed) == third.resolve()


def test_a_build_never_deletes_the_build_of_another_store_beside_it(tmp_path: Path):
    """Two stores in one folder (the Hauts-de-France and another région) share `builds/`."""
    other = write_atomically(tmp_path / "processed-84", writer("84"))
    for tag in ("un", "deux", "trois"):
        write_atomically(tmp_path / "processed", writer(tag))
    assert tag_of(tmp_path / "processed-84") == "84" and other.name in builds(tmp_path)
    assert tag_of(tmp_path / "processed") == "trois" and len(builds(tmp_path)) == 3


@pytest.mark.parametrize("failure", ["writer", "incomplete"])
def test_a_failed_write_leaves_processed_and_builds_as_they_were(tmp_path: Path, failure: str):
    processed = tmp_path / "processed"
    first = write_atomically(processed, writer("un"))

    def broken(folder: Path) -> None:
        writer("deux")(folder)
        if failure == "writer":
            raise RuntimeError("écriture interrompue")
        (folder / "indicators.parquet").unlink()

    with pytest.raises(RuntimeError, match="interrompue" if failure == "writer" else "indicators.parquet"):
        write_atomically(processed, broken)
    assert tag_of(processed) == "un"
    assert sorted(path.name for path in (tmp_path / "builds").iterdir()) == [first.name]


def _count_operations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, migrate: bool) -> int:
    """Number of file-system operations of one build (on a scratch copy of the same situation)."""
    scratch = tmp_path / "scratch"
    _previous_store(scratch, migrate)
    with monkeypatch.context() as patch:
        operations = Operations(patch, check=lambda: None)
        write_atomically(scratch / "processed", writer("nouveau"))
    return len(operations.calls)


def _previous_store(data: Path, migrate: bool) -> None:
    """`data/processed`: a store of an older version (a real folder) or a link to a build."""
    data.mkdir()
    if migrate:
        (data / "processed").mkdir()
        writer("ancien")(data / "processed")
    else:
        write_atomically(data / "processed", writer("ancien"))


@pytest.mark.parametrize("migrate", [False, True], ids=["link", "migration"])
def test_processed_is_a_complete_store_between_any_two_operations(tmp_path, monkeypatch, migrate):
    data = tmp_path / "data"
    _previous_store(data, migrate)
    processed = data / "processed"
    seen = []
    Operations(monkeypatch, check=lambda: seen.append(tag_of(processed)))
    write_atomically(processed, writer("nouveau"))
    assert seen[0] == "ancien" and seen[-1] == "nouveau" and set(seen) == {"ancien", "nouveau"}
    assert tag_of(processed) == "nouveau" and processed.is_symlink()
    previous = [name for name in builds(data) if (data / "builds" / name).resolve() != processed.resolve()]
    assert len(previous) == 1 and tag_of(data / "builds" / previous[0]) == "ancien"
    if migrate:
        assert previous[0].endswith("-ancien")


@pytest.mark.parametrize("migrate", [False, True], ids=["link", "migration"])
def test_a_crash_at_any_operation_leaves_a_complete_store(tmp_path, monkeypatch, migrate):
    total = _count_operations(tmp_path, monkeypatch, migrate)
    assert total >= 3
    for point in range(total):
        data = tmp_path / f"panne-{point}"
        _previous_store(data, migrate)
        processed = data / "processed"
        with monkeypatch.context() as patch:
            operations = Operations(patch, check=lambda processed=processed: tag_of(processed), fail_at=point)
            with pytest.raises(OSError, match="panne simulée"):
                write_atomically(processed, writer("nouveau"))
        assert tag_of(processed) in {"ancien", "nouveau"}, operations.calls
        if tag_of(processed) == "ancien":  # not switched: nothing of the new build is left behind
            assert not any(tag_of(data / "builds" / name) == "nouveau" for name in builds(data))
        old = [name for name in builds(data) if tag_of(data / "builds" / name) == "ancien"]
        assert old or tag_of(processed) == "ancien", f"build précédent perdu après {operations.calls}"


def test_without_an_atomic_exchange_the_migration_has_one_short_window(tmp_path, monkeypatch):
    data = tmp_path / "data"
    _previous_store(data, migrate=True)
    processed = data / "processed"
    monkeypatch.setattr(store, "exchange", lambda first, second: False)
    states = []
    Operations(monkeypatch, check=lambda: states.append(processed.exists()))
    write_atomically(processed, writer("nouveau"))
    assert states.count(False) == 1  # between moving the old folder into builds/ and renaming the link
    assert tag_of(processed) == "nouveau"
    assert [tag_of(data / "builds" / name) for name in builds(data)] == ["ancien", "nouveau"]


def test_the_exchange_swaps_a_folder_and_a_link(tmp_path: Path):
    (tmp_path / "folder").mkdir()
    (tmp_path / "link").symlink_to("elsewhere")
    if not store.exchange(tmp_path / "link", tmp_path / "folder"):
        pytest.skip("pas d'échange atomique sur ce système")
    assert (tmp_path / "folder").is_symlink() and os.readlink(tmp_path / "folder") == "elsewhere"
    assert (tmp_path / "link").is_dir() and not (tmp_path / "link").is_symlink()


def test_work_entries_of_dead_processes_are_removed_and_live_ones_kept(tmp_path: Path):
    processed = tmp_path / "processed"
    write_atomically(processed, writer("un"))
    folder = tmp_path / "builds"
    dead = folder / f"{store.STAGING_PREFIX}20000101T000000000000Z-999999999"
    alive = folder / f"{store.STAGING_PREFIX}20000101T000000000000Z-{os.getpid()}"
    dead.mkdir()
    alive.mkdir()
    (folder / f"{store.LINK_PREFIX}999999999").symlink_to("nowhere")
    write_atomically(processed, writer("deux"))
    leftovers = sorted(path.name for path in folder.iterdir() if path.name.startswith("."))
    assert leftovers == [alive.name]
    shutil.rmtree(alive)


def test_a_dangling_link_is_replaced(tmp_path: Path):
    processed = tmp_path / "processed"
    processed.symlink_to("builds/disparu")
    write_atomically(processed, writer("un"))
    assert tag_of(processed) == "un"


def test_without_a_link_the_newest_earlier_build_is_kept_as_the_previous_one(tmp_path: Path):
    folder = tmp_path / "builds"
    for name, tag in (("20000101T000000000000Z-1", "un"), ("20000102T000000000000Z-2", "deux")):
        (folder / name).mkdir(parents=True)
        writer(tag)(folder / name)
    new = write_atomically(tmp_path / "processed", writer("trois"))
    assert builds(tmp_path) == ["20000102T000000000000Z-2", new.name]
