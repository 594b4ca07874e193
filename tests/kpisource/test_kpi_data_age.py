"""Data age: hours since the newest matching file of a data source changed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mt5dash.kpisource import PublishError, data_age_hours, publish_data_age, textfile

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


def test_published_gauges_are_labelled_by_source(
    tmp_path: Path, textfile_dir: Path, read_samples
) -> None:
    touch(tmp_path / "ticks" / "a.csv", NOW - 3 * 3600)

    age = publish_data_age(textfile_dir, "ticks", tmp_path / "ticks", "*.csv", now=NOW)

    assert age == pytest.approx(3.0)
    assert read_samples(textfile_dir) == {
        ("data_newest_timestamp_seconds", (("source", "ticks"),)): NOW - 3 * 3600,
        ("data_age_hours", (("source", "ticks"),)): pytest.approx(3.0),
    }


def test_file_from_the_future_is_published_as_modified_now(
    tmp_path: Path, textfile_dir: Path, read_samples
) -> None:
    touch(tmp_path / "a.csv", NOW + 3600)

    publish_data_age(textfile_dir, "ticks", tmp_path, now=NOW)

    assert read_samples(textfile_dir) == {
        ("data_newest_timestamp_seconds", (("source", "ticks"),)): NOW,
        ("data_age_hours", (("source", "ticks"),)): 0.0,
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


def test_vanished_files_keep_the_last_timestamp_and_drop_the_age(
    tmp_path: Path, textfile_dir: Path, read_samples
) -> None:
    data = tmp_path / "ticks"
    touch(data / "a.csv", NOW - 600)
    publish_data_age(textfile_dir, "ticks", data, now=NOW)
    (data / "a.csv").unlink()

    with pytest.raises(PublishError):
        publish_data_age(textfile_dir, "ticks", data, now=NOW + 3600)
    assert read_samples(textfile_dir) == {
        ("data_newest_timestamp_seconds", (("source", "ticks"),)): NOW - 600
    }


def test_vanished_folder_removes_a_file_without_timestamp(
    tmp_path: Path, textfile_dir: Path
) -> None:
    # As an earlier version wrote it: the age alone, frozen once publishing fails.
    name = textfile.file_name("data_age", "ticks")
    (textfile_dir / name).write_text('data_age_hours{source="ticks"} 0.1\n')

    with pytest.raises(PublishError):
        publish_data_age(textfile_dir, "ticks", tmp_path / "absent", now=NOW)
    assert list(textfile_dir.iterdir()) == []


def test_other_sources_are_left_alone_when_one_fails(
    tmp_path: Path, textfile_dir: Path, read_samples
) -> None:
    touch(tmp_path / "bars" / "a.csv", NOW - 3600)
    publish_data_age(textfile_dir, "bars", tmp_path / "bars", now=NOW)

    with pytest.raises(PublishError):
        publish_data_age(textfile_dir, "ticks", tmp_path / "absent", now=NOW)
    assert sorted(read_samples(textfile_dir)) == [
        ("data_age_hours", (("source", "bars"),)),
        ("data_newest_timestamp_seconds", (("source", "bars"),)),
    ]


def test_missing_data_folder_is_an_error(tmp_path: Path, textfile_dir: Path) -> None:
    with pytest.raises(PublishError) as info:
        publish_data_age(textfile_dir, "ticks", tmp_path / "absent")
    assert str(info.value.problems[0]) == (
        f"{tmp_path / 'absent'}: source 'ticks': is not a directory"
    )


def test_empty_source_is_refused_and_writes_nothing(
    tmp_path: Path, textfile_dir: Path
) -> None:
    touch(tmp_path / "a.csv", NOW)

    with pytest.raises(PublishError) as info:
        publish_data_age(textfile_dir, "", tmp_path)
    assert [str(p) for p in info.value.problems] == [
        "source '': source: the label value '' is empty; give a non-blank value"
    ]
    assert list(textfile_dir.iterdir()) == []
