"""The Sharpe ratio: its formula, its undefined cases, the file it publishes."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from mt5dash.kpisource import PublishError, publish_sharpe, read_returns, sharpe_ratio


def test_ratio_is_mean_over_sample_std_annualised() -> None:
    # mean 0.02, sample std 0.01 * sqrt(2), sqrt(4) periods a year.
    assert sharpe_ratio([0.01, 0.03], periods_per_year=4) == pytest.approx(
        2 * math.sqrt(2)
    )


def test_risk_free_rate_is_taken_from_each_period() -> None:
    # Excess returns 0 and 0.02: mean 0.01, same std as before.
    assert sharpe_ratio(
        [0.01, 0.03], periods_per_year=4, risk_free=0.01
    ) == pytest.approx(math.sqrt(2))


def test_default_is_252_periods_a_year() -> None:
    assert sharpe_ratio([0.01, 0.03]) == pytest.approx(math.sqrt(2) * math.sqrt(252))


def test_negative_mean_gives_negative_ratio() -> None:
    assert sharpe_ratio([-0.01, -0.03], periods_per_year=4) == pytest.approx(
        -2 * math.sqrt(2)
    )


@pytest.mark.parametrize(
    ("returns", "message"),
    [
        ([], "returns: at least 2 returns are needed, got 0"),
        ([0.01], "returns: at least 2 returns are needed, got 1"),
        (
            [0.01, 0.01, 0.01],
            "returns: the standard deviation of the returns is 0 (all 3 are "
            "0.01), the Sharpe ratio is undefined",
        ),
        (
            [0.1, 0.1000000000000001, 0.1],
            "returns: the standard deviation of the returns (5.61e-17) is 0 "
            "within floating-point noise of their mean (0.1), the Sharpe ratio "
            "is undefined",
        ),
    ],
)
def test_undefined_ratio_is_an_error(returns: list[float], message: str) -> None:
    with pytest.raises(PublishError) as info:
        sharpe_ratio(returns)
    assert [str(p) for p in info.value.problems] == [message]


def test_published_gauge_is_labelled_by_strategy_and_symbol(
    textfile_dir: Path, read_samples
) -> None:
    ratio = publish_sharpe(textfile_dir, "ma_cross", "EURUSD", [0.01, 0.03])

    key = ("sharpe_ratio_last", (("strategy", "ma_cross"), ("symbol", "EURUSD")))
    assert read_samples(textfile_dir) == {key: pytest.approx(ratio)}


def test_strategies_and_symbols_have_files_of_their_own(
    textfile_dir: Path, read_samples
) -> None:
    publish_sharpe(textfile_dir, "ma_cross", "EURUSD", [0.01, 0.03])
    publish_sharpe(textfile_dir, "ma_cross", "XAUUSD", [0.01, 0.02])
    publish_sharpe(textfile_dir, "ma_cross", "EURUSD", [0.03, 0.01, 0.04])

    assert sorted(labels for _, labels in read_samples(textfile_dir)) == [
        (("strategy", "ma_cross"), ("symbol", "EURUSD")),
        (("strategy", "ma_cross"), ("symbol", "XAUUSD")),
    ]
    assert [p.name for p in textfile_dir.iterdir() if p.suffix != ".prom"] == []


def test_undefined_ratio_writes_nothing_and_names_source(textfile_dir: Path) -> None:
    with pytest.raises(PublishError) as info:
        publish_sharpe(textfile_dir, "ma", "EURUSD", [0.01], source="r.txt")

    assert str(info.value.problems[0]) == (
        "r.txt: strategy 'ma' symbol 'EURUSD': returns: "
        "at least 2 returns are needed, got 1"
    )
    assert list(textfile_dir.iterdir()) == []


def test_missing_textfile_dir_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(PublishError) as info:
        publish_sharpe(tmp_path / "absent", "ma", "EURUSD", [0.01, 0.03])
    assert str(info.value.problems[0]) == (
        f"{tmp_path / 'absent'}: the textfile directory does not exist; create it "
        "or set [tool.mt5dash.prometheus] textfile_dir"
    )


def test_returns_file_one_per_line_skips_blanks_and_comments(tmp_path: Path) -> None:
    path = tmp_path / "returns.txt"
    path.write_text("# daily returns\n0.01\n\n-0.005\n  2e-3 \n")
    assert read_returns(path) == [0.01, -0.005, 0.002]


def test_returns_file_csv_column(tmp_path: Path) -> None:
    path = tmp_path / "returns.csv"
    path.write_text("date,return,equity\n2024-01-02,0.01,100\n2024-01-03,-0.02,98\n")
    assert read_returns(path, column="return") == [0.01, -0.02]


def test_every_bad_line_is_reported_with_its_number(tmp_path: Path) -> None:
    path = tmp_path / "returns.txt"
    path.write_text("0.01\nabc\n0.02\nnan\n")

    with pytest.raises(PublishError) as info:
        read_returns(path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}:2: 'abc' is not a finite number",
        f"{path}:4: 'nan' is not a finite number",
    ]


def test_empty_csv_cell_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "returns.csv"
    path.write_text("date,return\n2024-01-02,0.01\n2024-01-03,\n")

    with pytest.raises(PublishError) as info:
        read_returns(path, column="return")
    assert [str(p) for p in info.value.problems] == [
        f"{path}:3: '' is not a finite number"
    ]


def test_unknown_csv_column_lists_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "returns.csv"
    path.write_text("date,ret\n2024-01-02,0.01\n")

    with pytest.raises(PublishError) as info:
        read_returns(path, column="return")
    assert str(info.value.problems[0]) == (
        f"{path}: column: no column 'return' in the header; columns: 'date', 'ret'"
    )


def test_a_tiny_but_real_spread_gives_a_ratio() -> None:
    # Spread a millionth of the mean: far above rounding error.
    assert sharpe_ratio([0.1, 0.1000001], periods_per_year=1) == pytest.approx(
        0.10000005 / (1e-7 / math.sqrt(2)), rel=1e-6
    )


@pytest.mark.parametrize(
    ("strategy", "symbol", "messages"),
    [
        ("", "EURUSD", ["strategy '' symbol 'EURUSD': strategy: the label value "
                        "'' is empty; give a non-blank value"]),
        ("ma", " ", ["strategy 'ma' symbol ' ': symbol: the label value ' ' is "
                     "empty; give a non-blank value"]),
        ("", "", ["strategy '' symbol '': strategy: the label value '' is empty; "
                  "give a non-blank value",
                  "strategy '' symbol '': symbol: the label value '' is empty; "
                  "give a non-blank value"]),
    ],
)  # fmt: skip
def test_empty_label_value_is_refused_and_writes_nothing(
    textfile_dir: Path, strategy: str, symbol: str, messages: list[str]
) -> None:
    with pytest.raises(PublishError) as info:
        publish_sharpe(textfile_dir, strategy, symbol, [0.01, 0.03])
    assert [str(p) for p in info.value.problems] == messages
    assert list(textfile_dir.iterdir()) == []


def test_csv_with_a_byte_order_mark_finds_its_first_column(tmp_path: Path) -> None:
    path = tmp_path / "returns.csv"
    path.write_bytes(b"\xef\xbb\xbfreturn,date\n0.01,2024-01-02\n-0.02,2024-01-03\n")
    assert read_returns(path, column="return") == [0.01, -0.02]


def test_one_per_line_file_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "returns.txt"
    path.write_bytes(b"\xef\xbb\xbf0.01\n0.02\n")
    assert read_returns(path) == [0.01, 0.02]
