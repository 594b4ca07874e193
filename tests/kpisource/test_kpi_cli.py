"""``mt5dash publish``: commands, their output, exit codes and messages."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import mt5dash.cli.publish_cmd  # noqa: F401  (registers the commands)
from mt5dash.cli.main import app

runner = CliRunner()


def test_sharpe_prints_the_ratio_and_publishes_it(
    tmp_path: Path, textfile_dir: Path, read_samples
) -> None:
    returns = tmp_path / "r.txt"
    returns.write_text("0.01\n0.03\n")

    result = runner.invoke(
        app,
        ["publish", "sharpe", "--strategy", "ma", "--symbol", "EURUSD",
         "--returns-file", str(returns), "--periods-per-year", "4",
         "--textfile-dir", str(textfile_dir)],
    )  # fmt: skip

    assert result.exit_code == 0, result.stderr
    assert result.stdout == "2.82843\n"
    key = ("sharpe_ratio_last", (("strategy", "ma"), ("symbol", "EURUSD")))
    assert read_samples(textfile_dir)[key] == pytest.approx(2.8284271247)


def test_sharpe_of_too_few_returns_fails_with_a_located_message(
    tmp_path: Path, textfile_dir: Path
) -> None:
    returns = tmp_path / "r.txt"
    returns.write_text("0.01\n")

    result = runner.invoke(
        app,
        ["publish", "sharpe", "--strategy", "ma", "--symbol", "EURUSD",
         "--returns-file", str(returns), "--textfile-dir", str(textfile_dir)],
    )  # fmt: skip

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "error: 1 problem(s) while publishing KPI metrics:\n"
        f"  {returns}: strategy 'ma' symbol 'EURUSD': returns: "
        "at least 2 returns are needed, got 1\n"
    )
    assert list(textfile_dir.iterdir()) == []


def test_job_exits_with_the_command_status(textfile_dir: Path, read_samples) -> None:
    result = runner.invoke(
        app,
        ["publish", "job", "--name", "report", "--textfile-dir", str(textfile_dir),
         "--", sys.executable, "-c", "raise SystemExit(4)"],
    )  # fmt: skip

    assert result.exit_code == 4
    key = ("cron_job_last_exit_status", (("job", "report"),))
    assert read_samples(textfile_dir)[key] == 4.0


def test_job_passes_the_command_options_through(textfile_dir: Path) -> None:
    out = textfile_dir.parent / "out.txt"
    code = "import sys; open(sys.argv[2], 'w').write(sys.argv[1])"

    result = runner.invoke(
        app,
        ["publish", "job", "--name", "x", "--textfile-dir", str(textfile_dir),
         "--", sys.executable, "-c", code, "--verbose", str(out)],
    )  # fmt: skip

    assert result.exit_code == 0, result.stderr
    assert out.read_text() == "--verbose"


def test_textfile_dir_defaults_to_the_project_settings(
    tmp_path: Path, read_samples
) -> None:
    (tmp_path / "tf").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.csv").write_text("x\n")
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.mt5dash.prometheus]\ntextfile_dir = "{tmp_path / "tf"}"\n'
    )

    result = runner.invoke(
        app,
        ["publish", "data-age", "--path", str(tmp_path / "data"),
         "--source", "ticks", "--project", str(tmp_path)],
    )  # fmt: skip

    assert result.exit_code == 0, result.stderr
    assert sorted(read_samples(tmp_path / "tf")) == [
        ("data_age_hours", (("source", "ticks"),)),
        ("data_newest_timestamp_seconds", (("source", "ticks"),)),
    ]


def test_sharpe_refuses_an_empty_strategy(tmp_path: Path, textfile_dir: Path) -> None:
    returns = tmp_path / "r.txt"
    returns.write_text("0.01\n0.03\n")

    result = runner.invoke(
        app,
        ["publish", "sharpe", "--strategy", "", "--symbol", "EURUSD",
         "--returns-file", str(returns), "--textfile-dir", str(textfile_dir)],
    )  # fmt: skip

    assert result.exit_code == 1
    assert result.stderr == (
        "error: 1 problem(s) while publishing KPI metrics:\n"
        "  strategy '' symbol 'EURUSD': strategy: the label value '' is empty; "
        "give a non-blank value\n"
    )
    assert list(textfile_dir.iterdir()) == []


def test_sharpe_reads_a_csv_saved_with_a_byte_order_mark(
    tmp_path: Path, textfile_dir: Path
) -> None:
    returns = tmp_path / "r.csv"
    returns.write_text("ret,date\n0.01,2024-01-02\n0.03,2024-01-03\n", "utf-8-sig")

    result = runner.invoke(
        app,
        ["publish", "sharpe", "--strategy", "ma", "--symbol", "EURUSD",
         "--returns-file", str(returns), "--column", "ret",
         "--periods-per-year", "4", "--textfile-dir", str(textfile_dir)],
    )  # fmt: skip

    assert result.exit_code == 0, result.stderr
    assert result.stdout == "2.82843\n"


def test_short_project_option_reads_the_project_settings(
    tmp_path: Path, read_samples
) -> None:
    (tmp_path / "tf").mkdir()
    (tmp_path / "r.txt").write_text("0.01\n0.03\n")
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.mt5dash.prometheus]\ntextfile_dir = "{tmp_path / "tf"}"\n'
    )

    result = runner.invoke(
        app,
        ["publish", "sharpe", "--strategy", "ma", "--symbol", "EURUSD",
         "--returns-file", str(tmp_path / "r.txt"), "-p", str(tmp_path)],
    )  # fmt: skip

    assert result.exit_code == 0, result.stderr
    assert list(read_samples(tmp_path / "tf")) == [
        ("sharpe_ratio_last", (("strategy", "ma"), ("symbol", "EURUSD")))
    ]


def test_data_age_without_files_fails_and_keeps_only_the_timestamp(
    tmp_path: Path, textfile_dir: Path, read_samples
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.csv").write_text("x\n")
    args = ["publish", "data-age", "--path", str(data), "--source", "ticks",
            "--textfile-dir", str(textfile_dir)]  # fmt: skip
    assert runner.invoke(app, args).exit_code == 0
    published = read_samples(textfile_dir)
    (data / "a.csv").unlink()

    result = runner.invoke(app, args)

    assert result.exit_code == 1
    assert result.stderr.endswith(
        f"  {data}: source 'ticks': glob: no file matches '*'\n"
    )
    key = ("data_newest_timestamp_seconds", (("source", "ticks"),))
    assert read_samples(textfile_dir) == {key: published[key]}
