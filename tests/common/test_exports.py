import csv
import io
from datetime import UTC, date, datetime

import openpyxl
import pytest

from common.exports import csv_text, neutralise, xlsx_bytes

HEADER = ["student", "answer", "mark", "percentage", "submitted", "due"]
ROWS = [
    [
        "Ann Lee",
        '=HYPERLINK("http://evil")',
        7,
        58.3,
        datetime(2026, 11, 23, 9, 30, tzinfo=UTC),
        date(2026, 11, 24),
    ],
    ["Bo", 'Line one\nLine two, with "quotes"', None, 0.0, None, None],
    ["+44 7700", "-1", 0, 100, None, None],
    ["@SUM(A1)", "Zoë — ünïcödé", 12, 12.5, None, None],
]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\t=1", "'\t=1"),
        ("plain", "plain"),
        ("a=b", "a=b"),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_csv_has_bom_neutralised_formulas_and_numbers():
    text = csv_text(HEADER, ROWS)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == HEADER
    assert rows[1] == [
        "Ann Lee",
        '\'=HYPERLINK("http://evil")',
        "7",
        "58.3",
        "2026-11-23 09:30",
        "2026-11-24",
    ]
    assert rows[2] == ["Bo", 'Line one\nLine two, with "quotes"', "", "0.0", "", ""]
    assert rows[3] == ["'+44 7700", "'-1", "0", "100", "", ""]
    assert rows[4][0] == "'@SUM(A1)"
    assert rows[4][1] == "Zoë — ünïcödé"


def test_xlsx_keeps_formula_text_as_strings_and_numbers_as_numbers():
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(HEADER, ROWS))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == HEADER
    assert values[1][:4] == ["Ann Lee", '=HYPERLINK("http://evil")', 7, 58.3]
    assert sheet.cell(row=2, column=2).data_type == "s"  # a string, never a formula
    assert values[1][4] == datetime(2026, 11, 23, 9, 30)  # London time in November = UTC
    assert values[2][1] == 'Line one\nLine two, with "quotes"'
    assert values[2][2] is None
    assert values[3][:2] == ["+44 7700", "-1"]
    assert sheet.cell(row=4, column=2).data_type == "s"


def test_csv_header_cells_are_neutralised_too():
    text = csv_text(["student", "=cmd|' /C calc'!A0"], [["Ann", 1]])
    header = next(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert header == ["student", "'=cmd|' /C calc'!A0"]


def test_repeated_column_titles_are_numbered_alike_in_csv_and_xlsx():
    header = ["Student", "Q1", "Q1", "Q1 (2)"]
    rows = [["Ann", 1, 2, 3]]
    csv_header = next(csv.reader(io.StringIO(csv_text(header, rows).lstrip("\ufeff"))))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(header, rows))).active
    xlsx_rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert csv_header == xlsx_rows[0] == ["Student", "Q1", "Q1 (2)", "Q1 (2) (2)"]
    assert xlsx_rows[1] == ["Ann", 1, 2, 3]


def test_xlsx_of_no_rows_has_its_header_only():
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(["Student", "Mark"], []))).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [["Student", "Mark"]]
