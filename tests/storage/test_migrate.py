"""``nounkit migrate``: every record, event and checkpoint, between any two backends."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from nounkit.cli import main
from nounkit.cli._shared import Progress
from nounkit.errors import StorageError
from nounkit.storage import Record, Storage, open_storage, register_backend
from nounkit.storage.memory import MemoryStorage
from nounkit.storage.migrate import migrate
from nounkit.testing import NOUNS, make_event, make_record

PROBE_YAML = """
Probe:
  properties:
    name:  {type: string, optional: true, index: true}
    score: {type: number, optional: true}
    at:    {type: datetime, optional: true}
    email: {type: email, optional: true, unique: true}
  events: [stored]
"""


def fill(storage: Storage) -> dict[str, Any]:
    """Records of two nouns in three tenants, an event per record, two checkpoints."""
    records = [
        make_record(f"p{i}", {"name": f"n{i}", "score": i, "at": "2026-01-01T00:00:00+01:00"})
        for i in range(7)
    ]
    records += [make_record(f"t{i}", {"name": "x"}, tenant="acme") for i in range(3)]
    records += [make_record("c", {"n": 4}, noun="Counter", tenant="globex", version=5)]
    with storage.transaction() as tx:
        for record in records:
            tx.insert(record)
        tx.append([make_event(r) for r in records])
        tx.set_checkpoint("mailer", 4)
        tx.set_checkpoint("audit", 11)
    return storage.dump()


def _url(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if kind == "tinydb":
        return f"tinydb:///{tmp_path}/{kind}-{len(list(tmp_path.iterdir()))}.json"
    if kind == "sqlite":
        return f"sqlite:///{tmp_path}/{kind}-{len(list(tmp_path.iterdir()))}.sqlite"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.mark.parametrize(
    ("source_kind", "target_kind"),
    [("tinydb", "sqlite"), ("sqlite", "tinydb"), ("sqlite", "postgres"), ("postgres", "tinydb")],
)
def test_migrate_copies_everything(
    source_kind: str, target_kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    with open_storage(_url(source_kind, tmp_path, request), NOUNS) as source:
        before = fill(source)
        with open_storage(_url(target_kind, tmp_path, request), NOUNS) as target:
            seen: list[tuple[int, int]] = []
            report = migrate(source, target, batch=3, progress=lambda d, t: seen.append((d, t)))
            assert report.ok, report.mismatches
            assert report.records == {"Counter": 1, "Probe": 10}
            assert (report.events, report.checkpoints) == (11, 2)
            assert target.dump() == before
            assert seen[0] == (0, 22) and seen[-1] == (22, 22)
            # The target works as a store afterwards: its seq goes on from the source's.
            with target.transaction() as tx:
                assert [e.seq for e in tx.append([make_event(make_record("p0"))])] == [12]
            assert [r.id for r in target.query("Probe", tenant="acme").records] == [
                "t0",
                "t1",
                "t2",
            ]


def test_migrate_refuses_a_target_that_is_not_empty(tmp_path: Path) -> None:
    with (
        open_storage(f"sqlite:///{tmp_path}/a.sqlite", NOUNS) as source,
        open_storage(f"sqlite:///{tmp_path}/b.sqlite", NOUNS) as target,
    ):
        fill(source)
        fill(target)
        with pytest.raises(StorageError, match="is not empty"):
            migrate(source, target)


@pytest.fixture
def nouns_file(tmp_path: Path) -> Path:
    path = tmp_path / "nouns" / "probe.yaml"
    path.parent.mkdir()
    path.write_text(PROBE_YAML, "utf-8")
    return path


def test_the_command_copies_and_verifies(
    tmp_path: Path, nouns_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source_url, target_url = f"tinydb:///{tmp_path}/db.json", f"sqlite:///{tmp_path}/db.sqlite"
    with open_storage(source_url, NOUNS) as source:
        before = fill(source)
    code = main(["migrate", source_url, target_url, "--nouns", str(nouns_file), "--batch", "4"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert err == ""  # not a terminal: no progress bar
    assert "copied 11 entities of 2 nouns, 11 events and 2 checkpoints" in out
    assert "counts verified" in out
    with open_storage(target_url) as target:
        assert target.dump() == before
    # A storage failure (here: the target is not empty) has its own exit code, not 0 or 70.
    assert main(["migrate", source_url, target_url, "--nouns", str(nouns_file)]) not in (0, 70)
    assert "is not empty" in capsys.readouterr().err


def test_the_command_names_a_bad_url(nouns_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["migrate", "mysql://bob:hunter2@db/x", "memory://", "--nouns", str(nouns_file)])
    err = capsys.readouterr().err
    assert code not in (0, 70)
    assert "mysql://bob:***@db/x" in err and "hunter2" not in err
    assert "unknown scheme 'mysql'" in err


class _Lossy(MemoryStorage):
    """A target that silently drops one record: the count check must notice."""

    def transaction(self, *, readonly: bool = False) -> Any:
        context = super().transaction(readonly=readonly)
        outer = self

        class Wrapped:
            def __enter__(self) -> Any:
                tx = context.__enter__()
                insert = tx.insert

                def lossy(record: Record) -> None:
                    if record.id != "p3":
                        insert(record)

                if not readonly and outer is not None:
                    tx.insert = lossy  # type: ignore[method-assign]
                return tx

            def __exit__(self, *exc: Any) -> Any:
                return context.__exit__(*exc)

        return Wrapped()


def test_the_command_fails_when_counts_differ(
    tmp_path: Path, nouns_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    register_backend("lossy", _Lossy)
    source_url = f"sqlite:///{tmp_path}/db.sqlite"
    with open_storage(source_url, NOUNS) as source:
        fill(source)
    code = main(["migrate", source_url, "lossy://", "--nouns", str(nouns_file)])
    err = capsys.readouterr().err
    assert code == 1
    assert "count mismatch: Probe: 10 records in the source, 9 in the target" in err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_draws_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = _Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    with Progress("copying") as bar:
        bar.reached(0, 4)
        bar.reached(2, 4)
        bar.reached(4, 4)
        assert bar.done == 4
    # How the bar looks is click's; that it is drawn, labelled, and closed is ours.
    drawn = screen.getvalue()
    assert "copying" in drawn
    assert drawn.endswith("\n")
    with Progress("small", 3, least=10) as bar:
        bar.advance(3)  # fewer than `least`: not worth a bar
    assert screen.getvalue() == drawn
    quiet = io.StringIO()
    monkeypatch.setattr("sys.stderr", quiet)
    with Progress("copying", 2) as bar:
        bar.advance(1)
        bar.advance(1)
        assert bar.done == 2
    assert quiet.getvalue() == ""


def test_the_command_draws_progress_on_a_terminal(
    tmp_path: Path,
    nouns_file: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source_url, target_url = f"sqlite:///{tmp_path}/a.sqlite", f"sqlite:///{tmp_path}/b.sqlite"
    with open_storage(source_url, NOUNS) as source:
        fill(source)
    screen = _Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    assert main(["migrate", source_url, target_url, "-n", str(nouns_file), "--batch", "4"]) == 0
    assert "copying" in screen.getvalue()
    assert "counts verified" in capsys.readouterr().out
