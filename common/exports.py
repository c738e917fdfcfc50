"""One row generator, two renderings: CSV (UTF-8 with BOM) and XLSX (constant memory).

Exports go to spreadsheets, where a cell beginning with = + - @ (or a tab/CR that hides one)
is run as a formula: text cells are neutralised with a leading apostrophe in CSV and always
written as strings in XLSX. Numbers stay numbers.
"""

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from rustpy_xlsxwriter import FastExcel

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | None | date | datetime
Row = Sequence[Cell]


def neutralise(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def _csv_cell(value: Cell) -> str | int | float:
    # Exact-type checks first: a responses file is hundreds of thousands of str and int cells.
    kind = type(value)
    if kind is str:
        return "'" + value if value.startswith(FORMULA_PREFIXES) else value
    if kind is int or kind is float:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
            if timezone.is_aware(value)
            else value.strftime("%Y-%m-%d %H:%M")
        )
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


CSV_ROWS_PER_CHUNK = 200  # one streamed chunk per 200 rows, not per row: per-chunk cost is real


def csv_chunks(header: Row, rows: Iterable[Row]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # Headers carry titles teachers typed (assessment, question): neutralise them too.
    buffer.write("\ufeff")
    writer.writerow([_csv_cell(v) for v in unique_titles(header)])
    for count, row in enumerate(rows, 1):
        writer.writerow([_csv_cell(v) for v in row])
        if count % CSV_ROWS_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_response(filename: str, header: Row, rows: Iterable[Row]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_chunks(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def unique_titles(header: Row) -> list[str]:
    """Column titles made unique (" (2)", " (3)"…): the XLSX writer keys cells by title, and a
    spreadsheet or pandas reader needs them distinct anyway (the same assessment set twice on one
    day gives two identical column groups)."""
    seen: dict[str, int] = {}
    titles = []
    for title in map(str, header):
        count = seen.get(title, 0) + 1
        seen[title] = count
        candidate = title if count == 1 else f"{title} ({count})"
        while count > 1 and candidate in seen:
            count += 1
            candidate = f"{title} ({count})"
        seen.setdefault(candidate, 1)
        titles.append(candidate)
    return titles


def _xlsx_cell(value: Cell):
    kind = type(value)
    if kind is str:
        return value or None  # the writer keeps every str a string cell: never a formula
    if kind is int or kind is float or value is None:
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | str):
        return value
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)  # noqa: DTZ001 (a calendar day)
    return str(value)


def write_xlsx(target, header: Row, rows: Iterable[Row], *, sheet: str = "Results") -> None:
    """Write rows to an XLSX file (path or binary file object) in constant memory.

    rustpy-xlsxwriter (rust_xlsxwriter, by XlsxWriter's author, under PyO3) rather than
    XlsxWriter itself: the same file, ~9x faster; XlsxWriter's per-cell Python work made a
    300-student responses file take 3 s (docs/performance.md). Rows are consumed one at a time
    and written in constant-memory mode; strings are always written as text cells.
    """
    titles = unique_titles(header)
    records = (
        dict(zip(titles, map(_xlsx_cell, row), strict=True)) for row in _with_header(titles, rows)
    )
    (
        FastExcel(target)
        .format(bold_headers=True, datetime_format="yyyy-mm-dd hh:mm")
        .freeze(row=1)
        .sheet(sheet[:31], records, column_width=20)
        .save()
    )


def _with_header(titles: list[str], rows: Iterable[Row]) -> Iterator[Row]:
    # An empty file still gets its header row: the writer takes the titles from the first record.
    empty = True
    for row in rows:
        empty = False
        yield row
    if empty:
        yield [None] * len(titles)


def xlsx_response(filename: str, header: Row, rows: Iterable[Row], *, sheet: str = "Results"):
    # A spooled file keeps small workbooks in memory and spills big ones to disk.
    buffer = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    write_xlsx(buffer, header, rows, sheet=sheet)
    buffer.seek(0)
    return FileResponse(
        buffer,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def csv_text(header: Row, rows: Iterable[Row]) -> str:
    return "".join(csv_chunks(header, rows))


def xlsx_bytes(header: Row, rows: Iterable[Row], *, sheet: str = "Results") -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, header, rows, sheet=sheet)
    return buffer.getvalue()
