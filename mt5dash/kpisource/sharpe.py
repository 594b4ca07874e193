"""The Sharpe ratio of a strategy on a symbol, published as a gauge."""

from __future__ import annotations

import csv
import math
import statistics
from collections.abc import Sequence
from pathlib import Path

from prometheus_client import CollectorRegistry, Gauge

from mt5dash.errors import Problem
from mt5dash.kpisource import names, textfile
from mt5dash.kpisource.errors import PublishError
from mt5dash.kpisource.labels import check_label_values

DEFAULT_PERIODS_PER_YEAR = 252

# A standard deviation below this fraction of the mean's magnitude is rounding
# error of returns that are all the same (0.1 and 0.1000000000000001), not a
# spread: dividing by it would publish a ratio of 1e16.
NOISE = 1e-12


def sharpe_ratio(
    returns: Sequence[float],
    periods_per_year: float = DEFAULT_PERIODS_PER_YEAR,
    risk_free: float = 0.0,
) -> float:
    """The annualised Sharpe ratio of per-period ``returns``.

    Mean excess return over its sample standard deviation, times the square
    root of ``periods_per_year``. ``returns`` and ``risk_free`` are fractions per
    period (0.01 is 1 %). Undefined for fewer than 2 returns or when every
    return is the same, also within floating-point noise: a standard deviation
    of at most ``NOISE`` times the mean's magnitude counts as 0.
    """
    if len(returns) < 2:
        raise PublishError.one(
            f"at least 2 returns are needed, got {len(returns)}", field="returns"
        )
    if periods_per_year <= 0:
        raise PublishError.one(
            f"must be above 0, got {periods_per_year}", field="periods_per_year"
        )

    excess = [r - risk_free for r in returns]
    spread = statistics.stdev(excess)
    mean = statistics.fmean(excess)
    if spread == 0:
        raise PublishError.one(
            f"the standard deviation of the returns is 0 (all {len(returns)} "
            f"are {returns[0]}), the Sharpe ratio is undefined",
            field="returns",
        )
    if spread <= NOISE * abs(mean):
        raise PublishError.one(
            f"the standard deviation of the returns ({spread:.3g}) is 0 within "
            f"floating-point noise of their mean ({mean:.6g}), the Sharpe ratio "
            "is undefined",
            field="returns",
        )
    return mean / spread * math.sqrt(periods_per_year)


def read_returns(path: Path, column: str | None = None) -> list[float]:
    """Per-period returns from a file: one number per line, or a CSV column.

    Blank lines and lines starting with ``#`` are skipped in the one-per-line
    form. With ``column``, the file is CSV with a header row naming it. A UTF-8
    byte order mark at the start (as spreadsheet programs write) is ignored.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        message = f"cannot be read: {exc.strerror}"
        raise PublishError.one(message, file=str(path)) from None

    if column is None:
        cells = [
            (n, line.strip())
            for n, line in enumerate(text.splitlines(), start=1)
            if line.strip() and not line.lstrip().startswith("#")
        ]
    else:
        cells = _csv_column(path, text, column)
    return _numbers(path, cells)


def _csv_column(path: Path, text: str, column: str) -> list[tuple[int, str]]:
    reader = csv.DictReader(text.splitlines())
    if column not in (reader.fieldnames or []):
        found = ", ".join(repr(f) for f in reader.fieldnames or []) or "none"
        raise PublishError.one(
            f"no column {column!r} in the header; columns: {found}",
            file=str(path),
            field="column",
        )
    return [(reader.line_num, (row[column] or "").strip()) for row in reader]


def _numbers(path: Path, cells: list[tuple[int, str]]) -> list[float]:
    values, problems = [], []
    for line, cell in cells:
        try:
            value = float(cell)
        except ValueError:
            value = math.nan
        if math.isfinite(value):
            values.append(value)
            continue
        problems.append(
            Problem(
                file=str(path),
                obj="",
                field="",
                message=f"{cell!r} is not a finite number",
                line=line,
            )
        )
    if problems:
        raise PublishError(problems)
    return values


def publish_sharpe(
    directory: Path,
    strategy: str,
    symbol: str,
    returns: Sequence[float],
    *,
    periods_per_year: float = DEFAULT_PERIODS_PER_YEAR,
    risk_free: float = 0.0,
    source: str = "",
) -> float:
    """Compute the Sharpe ratio and write ``sharpe_ratio_last`` to ``directory``.

    ``source`` names where the returns came from, for error messages. Nothing
    is written when the ratio is undefined or a label value is empty.
    """
    obj = f"strategy {strategy!r} symbol {symbol!r}"
    check_label_values(obj, strategy=strategy, symbol=symbol)
    try:
        ratio = sharpe_ratio(returns, periods_per_year, risk_free)
    except PublishError as exc:
        raise exc.located(source, obj) from None

    registry = CollectorRegistry()
    gauge = Gauge(
        names.SHARPE_RATIO,
        "Annualised Sharpe ratio of the strategy on the symbol, last computed.",
        names.SHARPE_LABELS,
        registry=registry,
    )
    gauge.labels(strategy=strategy, symbol=symbol).set(ratio)
    textfile.write(directory, textfile.file_name("sharpe", strategy, symbol), registry)
    return ratio
