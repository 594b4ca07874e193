"""Data age: hours since the newest matching file of a data source changed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mt5dash.kpisource import PublishError, data_age_hours, publish_data_age

NOW = 1_700_000_000.0


def touch(path: Path, mtime: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x\n")
    os.utime(path, (mtime, mtime))
    return path


def test_age_is_counted_from_the_newest_matching_file(tmp_path: Path) -> None:
    touch(tmp_path / "a.csv", NOW - 5 * 3600)
    touch(tmp_path / "b.csv", NOW - 2 * 3600)
    touch(tmp_path / "c.log", NOW - 600)

    assert data_age_hours(tmp_path, "*.csv", now=NOW) == pytest.approx(2.0)


def test_recursive_glob_looks_in_subfolders(tmp_path: Path) -> None:
    touch(tmp_path / "a.csv", NOW - 5 * 3600)
    touch(tmp_path / "2024" / "b.csv", NOW - 1800)

    assert data_age_hours(tmp_path, "*.csv", now=NOW) == pytest.approx(5.0)
    assert data_age_hours(tmp_path, "**/*.csv", now=NOW) == pytest.approx(0.5)


def test_file_from_the_future_counts_as_fresh(tmp_path: Path) -> None:
    touch(tmp_path / "a.csv", NOW + 3600)
    assert data_age_hours(tmp_path, now=NOW) == 0.0


def test_published_gauge_is_labelled_by_source(
    tmp_path: Path, textfile_dir: Path, read_samples
) -> None:
    touch(tmp_path / "ticks" / "a.csv", NOW - 3 * 3600)

    publish_data_age(textfile_dir, "ticks", tmp_path / "ticks", "*.csv", now=NOW)
    assert read_samples(textfile_dir) == {
        ("data_age_hours", (("source", "ticks"),)): pytest.approx(3.0)
    }


def test_no_matching_file_is_an_error_and_writes_nothing(
    tmp_path: Path, textfile_dir: Path
) -> None:
    touch(tmp_path / "data" / "a.log", NOW)

    with pytest.raises(PublishError) as info:
        publish_data_age(textfile_dir, "ticks", tmp_path / "data", "*.csv")
    assert str(info.value.problems[0]) == (
        f"{tmp_path / 'data'}: source 'ticks': glob: no file matches '*.csv'"
    )
    assert list(textfile_dir.iterdir()) == []


def test_missing_data_folder_is_an_error(tmp_path: Path, textfile_dir: Path) -> None:
    with pytest.raises(PublishError) as info:
        publish_data_age(textfile_dir, "ticks", tmp_path / "absent")
    assert str(info.value.problems[0]) == (
        f"{tmp_path / 'absent'}: source 'ticks': is not a directory"
    )
