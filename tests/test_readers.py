"""The strict readers every loader shares (`loaders/readers.py`), on tiny files written by each test."""

from __future__ import annotations

import codecs
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest

from loaders import readers
from loaders.errors import SourceError
from loaders.readers import RowCount

DATASET = "jeu-de-test"


def write(tmp_path: Path, content: str | bytes, name: str = "fichier.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def refused(call, *fragments: str) -> str:
    """Run `call`, expect a SourceError naming the test dataset and holding every fragment; return its message."""
    with pytest.raises(SourceError) as caught:
        call()
    message = str(caught.value)
    assert message.startswith(f"[{DATASET}]")
    for fragment in fragments:
        assert fragment in message, message
    return message


# --- decode ------------------------------------------------------------------------------------------------


def test_decode_returns_the_text_without_its_bom(tmp_path):
    path = write(tmp_path, codecs.BOM_UTF8 + b"code;nom\n59350;Lille\n")
    assert readers.decode(DATASET, path) == "code;nom\n59350;Lille\n"


@pytest.mark.parametrize(
    "content",
    [b"", b" ", b"\n\n", b" \t\r\n  \n", codecs.BOM_UTF8, codecs.BOM_UTF8 + b"\n \n", "\u00a0\n".encode()],
    ids=["empty", "space", "line-breaks", "mixed-whitespace", "bom-only", "bom-and-blank-lines", "no-break-space"],
)
def test_an_empty_or_whitespace_only_file_is_refused(tmp_path, content):
    path = write(tmp_path, content)
    message = refused(lambda: readers.decode(DATASET, path))
    assert message == f"[{DATASET}] — fichier {path} : fichier vide"


def test_a_whitespace_only_file_is_refused_by_every_reader(tmp_path):
    path = write(tmp_path, codecs.BOM_UTF8 + b"\n   \n")
    refused(lambda: readers.read_csv(DATASET, path, required=()), "fichier vide")
    refused(lambda: readers.read_json(DATASET, path), "fichier vide")
    refused(lambda: list(readers.iter_ndjson(DATASET, path)), "fichier vide")


def test_decode_tries_each_encoding_in_turn(tmp_path):
    path = write(tmp_path, "Département;Aisne\n".encode("cp1252"))
    refused(lambda: readers.decode(DATASET, path), "encodage inattendu : illisible en utf-8")
    assert readers.decode(DATASET, path, ("utf-8", "cp1252")) == "Département;Aisne\n"


def test_utf16_is_refused_even_when_an_8_bit_encoding_reads_it(tmp_path):
    path = write(tmp_path, "code;nom\n59350;Lille\n".encode("utf-16-le"))  # no BOM: valid cp1252 bytes with NULs
    refused(lambda: readers.decode(DATASET, path, ("utf-8", "cp1252")), "illisible en utf-8 / cp1252")


def test_a_missing_file_is_reported_as_unreadable(tmp_path):
    path = tmp_path / "absent.csv"
    message = refused(lambda: readers.decode(DATASET, path), "absent.csv")
    assert message.endswith(" : lecture impossible (No such file or directory)")


# --- read_csv ------------------------------------------------------------------------------------------------


def test_read_csv_keeps_every_value_as_text(tmp_path):
    path = write(tmp_path, " code ;valeur;note\n02001;NA;\n59350;007;s\n")
    frame = readers.read_csv(DATASET, path, sep=";", required=("code", "valeur"))
    assert list(frame.columns) == ["code", "valeur", "note"]  # header names stripped
    assert frame.to_dict("list") == {"code": ["02001", "59350"], "valeur": ["NA", "007"], "note": ["", "s"]}
    assert list(frame.index) == [0, 1]


def test_read_csv_names_the_missing_columns_and_the_first_twelve_it_read(tmp_path):
    path = write(tmp_path, "code;nom\n59350;Lille\n")
    refused(
        lambda: readers.read_csv(DATASET, path, sep=";", required=("code", "PMUN", "PTOT")),
        "colonne(s) manquante(s) : PMUN, PTOT (colonnes lues : code, nom…)",
    )
    columns = [f"c{number}" for number in range(1, 15)]
    path = write(tmp_path, ";".join(columns) + "\n" + ";".join("1" * 14) + "\n")
    message = refused(lambda: readers.read_csv(DATASET, path, sep=";", required=("PMUN",)))
    assert message.endswith(f"colonne(s) manquante(s) : PMUN (colonnes lues : {', '.join(columns[:12])}…)")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a;b;c\n1;2\n4;5;6\n", 2),  # the first record
        ("a;b;c\n1;2;3\n4;5\n", 3),
        ("a;b;c\n1;2;3\n4;5;6\n7\n", 4),
        ('a;b;c\n"un\ndeux";2;3\n4;5\n', 4),  # a quoted line break counts as a line
        ("a;b;c\n1;2;3\n\n4;5\n", 4),  # after a blank line
    ],
)
def test_a_record_short_of_fields_is_refused_with_its_line_number(tmp_path, text, line):
    path = write(tmp_path, text)
    message = refused(lambda: readers.read_csv(DATASET, path, sep=";", required=("a",)), f"ligne {line} incomplète")
    assert "fichier tronqué ou mal formé" in message
    assert f"ligne {line - 1} " not in message and f"ligne {line + 1} " not in message


def test_a_file_cut_in_its_last_line_is_refused(tmp_path):
    text = "code;pop;part\n59350;238246;12,5\n59178;41000;9,1\n"
    path = write(tmp_path, text[: text.rindex(";")])
    refused(lambda: readers.read_csv(DATASET, path, sep=";", required=("code",)), "ligne 3 incomplète")


def test_records_with_too_many_fields_are_refused_instead_of_shifting_columns(tmp_path):
    path = write(tmp_path, "code;pop\n59350;238246;x\n59178;41000;y\n")  # pandas would take `code` as an index
    refused(
        lambda: readers.read_csv(DATASET, path, sep=";", required=("code", "pop")),
        "ligne 2 : 3 champs au lieu de 2 (colonnes décalées)",
    )
    path = write(tmp_path, "code;pop\n59350;238246\n59178;41000;y\n")
    refused(lambda: readers.read_csv(DATASET, path, sep=";", required=("code",)), "ligne 3 : 3 champs au lieu de 2")


def test_complete_records_blank_lines_and_quoted_separators_are_accepted(tmp_path):
    path = write(tmp_path, 'a;b;c\n1;"x;y";3\n\n4;5;6\n')
    frame = readers.read_csv(DATASET, path, sep=";", required=("a", "b", "c"))
    assert frame.to_dict("list") == {"a": ["1", "4"], "b": ["x;y", "5"], "c": ["3", "6"]}


def test_strip_removes_the_padding_of_every_value_only_when_asked(tmp_path):
    path = write(tmp_path, "a;b\n 1 ; x \n")
    assert readers.read_csv(DATASET, path, sep=";", required=()).to_dict("list") == {"a": [" 1 "], "b": [" x "]}
    assert readers.read_csv(DATASET, path, sep=";", required=(), strip=True).to_dict("list") == {
        "a": ["1"],
        "b": ["x"],
    }


def test_an_unterminated_quote_is_refused(tmp_path):
    path = write(tmp_path, 'a,b\n"1,2\n')
    refused(lambda: readers.read_csv(DATASET, path, required=()), "ligne 2 incomplète")
    path = write(tmp_path, '"a,b\n')
    refused(lambda: readers.read_csv(DATASET, path, required=()), f"fichier {path} : CSV illisible (")


def test_the_default_separator_is_a_comma(tmp_path):
    path = write(tmp_path, "a,b\n1,2\n")
    assert readers.read_csv(DATASET, path, required=("a", "b")).to_dict("list") == {"a": ["1"], "b": ["2"]}


# --- JSON ------------------------------------------------------------------------------------------------------


def test_read_json_parses_a_document_and_locates_an_error(tmp_path):
    assert readers.read_json(DATASET, write(tmp_path, '{"a": [1, 2]}', "a.json")) == {"a": [1, 2]}
    path = write(tmp_path, '{"a": [1,\n 2', "b.json")
    refused(lambda: readers.read_json(DATASET, path), "b.json", "JSON invalide ou tronqué (ligne 2, colonne 3)")


def test_iter_ndjson_yields_each_object_skips_blank_lines_and_names_a_bad_line(tmp_path):
    path = write(tmp_path, '{"n": 1}\n\n  \n{"n": 2}\n', "a.ndjson")
    assert list(readers.iter_ndjson(DATASET, path)) == [{"n": 1}, {"n": 2}]
    path = write(tmp_path, '{"n": 1}\n\n{"n": 2\n', "b.ndjson")
    refused(lambda: list(readers.iter_ndjson(DATASET, path)), "b.ndjson", "ligne 3 : JSON invalide ou tronqué")


# --- numbers ---------------------------------------------------------------------------------------------------


def numbers(values: list[str], **options) -> list[float]:
    return readers.to_number(DATASET, Path("f.csv"), pd.Series(values, name="col"), **options).tolist()


def same(actual: list[float], expected: list[float]) -> bool:
    return all((math.isnan(a) and math.isnan(b)) or a == b for a, b in zip(actual, expected, strict=True))


def test_to_number_reads_points_signs_and_exponents():
    assert numbers(["1", " 2.5 ", "-3", "1e3", "0"]) == [1.0, 2.5, -3.0, 1000.0, 0.0]


def test_to_number_returns_float64_on_the_same_index():
    series = pd.Series(["1", "s"], index=["59350", "02001"], name="col")
    result = readers.to_number(DATASET, Path("f.csv"), series)
    assert result.dtype == "float64" and list(result.index) == ["59350", "02001"]
    assert readers.to_number(DATASET, Path("f.csv"), pd.Series(["1", "2"], name="col")).dtype == "float64"
    comma = readers.to_number(DATASET, Path("f.csv"), series, decimal=",", thousands=" ")
    assert list(comma.index) == ["59350", "02001"] and comma.iloc[0] == 1.0


@pytest.mark.parametrize("marker", sorted(readers.MISSING_MARKERS))
def test_secret_and_unavailable_markers_become_missing_never_zero(marker):
    assert same(numbers(["4", marker, f" {marker} "]), [4.0, math.nan, math.nan])


def test_a_decimal_comma_is_read():
    assert numbers(["12,5", "3", "-0,25"], decimal=",") == [12.5, 3.0, -0.25]
    assert numbers(["1 234,5", "2"], decimal=",", thousands=" ") == [1234.5, 2.0]


def test_separators_are_replaced_literally_never_as_patterns():
    assert numbers(["1|234"], thousands="|") == [1234.0]  # "|" as a pattern would match nothing and everything
    assert numbers(["1*5"], decimal="*") == [1.5]
    assert numbers(["12", "3,5"], decimal=",") == [12.0, 3.5]
    refused(lambda: numbers(["3x5"], decimal=","), "valeurs non numériques dans col : 3x5")


@pytest.mark.parametrize("value", ["12.5", "1.234", "1.234,5"])
def test_a_point_in_a_decimal_comma_column_is_refused(value):
    refused(lambda: numbers(["1,5", value], decimal=","), f"valeurs non numériques dans col : {value}")


def test_a_point_thousands_separator_with_a_decimal_comma():
    assert numbers(["1.234,5", "12"], decimal=",", thousands=".") == [1234.5, 12.0]


@pytest.mark.parametrize(
    "value", ["20 433", "20\u00a0433", "20\u202f433", " 20 433 "], ids=["space", "nbsp", "narrow-nbsp", "padded"]
)
def test_thousands_separators_are_removed_no_break_spaces_included(value):
    assert numbers([value], thousands=" ") == [20433.0]


def test_no_break_spaces_are_separators_only_when_the_file_declares_thousands():
    refused(lambda: numbers(["20\u00a0433"]), "valeurs non numériques dans col : 20\u00a0433")
    refused(lambda: numbers(["20 433"]), "valeurs non numériques dans col : 20 433")


@pytest.mark.parametrize("value", ["abc", "12 €", "inf", "-Infinity", "nan", "1,5"])
def test_text_and_infinite_values_are_refused(value):
    refused(lambda: numbers(["1", value]), f"valeurs non numériques dans col : {value}")


def test_the_refusal_gives_at_most_five_sorted_examples():
    message = refused(lambda: numbers(["g", "f", "e", "d", "c", "b", "a", "a", "1"]))
    assert message.endswith("valeurs non numériques dans col : a, b, c, d, e")
    message = refused(lambda: integers(["6.5", "5.5", "4.5", "3.5", "2.5", "1.5", "1.5", "1"]))
    assert message.endswith("entiers attendus dans nb : 1.5, 2.5, 3.5, 4.5, 5.5")


def integers(values: list[str], **options) -> pd.Series:
    return readers.to_integer(DATASET, Path("f.csv"), pd.Series(values, name="nb"), **options)


def test_to_integer_reads_counts_as_int64():
    result = integers(["12", "0", "12.0", "238246"])
    assert result.dtype == "int64" and result.tolist() == [12, 0, 12, 238246]
    assert integers(["1 234", "5\u00a0678"], thousands=" ").tolist() == [1234, 5678]


@pytest.mark.parametrize("value", ["12.5", "0.1", "-3.25", "1e-3"])
def test_fractional_counts_are_refused(value):
    refused(lambda: integers(["3", value]), f"entiers attendus dans nb : {value}")


@pytest.mark.parametrize("value", ["", "s", "nd"])
def test_missing_counts_are_refused(value):
    message = refused(lambda: integers(["3", value]), "entiers attendus dans nb : ")
    assert message.endswith(value or "valeur vide")


# --- row counts ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [5, 6, 10])
def test_a_count_within_its_bounds_is_accepted(count):
    assert readers.check_count(DATASET, Path("f.csv"), count, 5, 10, "communes") is None


@pytest.mark.parametrize(("count", "minimum", "maximum"), [(4, 5, 10), (11, 5, 10), (0, 1, 10), (41_000, 1, 40_000)])
def test_a_count_below_or_above_its_bounds_is_refused(count, minimum, maximum):
    refused(
        lambda: readers.check_count(DATASET, Path("f.csv"), count, minimum, maximum, "communes"),
        "f.csv",
        f"{count} communes lus, attendu entre {minimum} et {maximum} (fichier tronqué, filtré ou d'un autre millésime)",
    )


@pytest.mark.parametrize("count", [2_272, 3_787, 3_789])
def test_an_exact_count_refuses_one_row_more_or_less(count):
    readers.check_count(DATASET, Path("f.csv"), 3_788, 3_788, 3_788, "communes")
    refused(
        lambda: readers.check_count(DATASET, Path("f.csv"), count, 3_788, 3_788, "communes"),
        f"{count} communes lus, attendu 3788 (",
    )


def test_row_counts_are_exact_for_the_mirror_and_within_3_percent_for_a_live_file():
    filosofi = RowCount(mirror=3_788, live=34_909)  # a regional extract of a national file
    assert filosofi.bounds(from_mirror=True) == (3_788, 3_788)
    assert filosofi.bounds(from_mirror=False) == (34_909 - 1_048, 34_909 + 1_048)  # ⌈3 % of 34,909⌉
    assert RowCount(mirror=101, live=101).bounds(from_mirror=False) == (97, 105)
    assert RowCount(mirror=100, live=100).bounds(from_mirror=False) == (97, 103)
    same_file = RowCount(mirror=16_859)  # the official download is the mirror's file
    assert same_file.bounds(from_mirror=False) == same_file.bounds(from_mirror=True) == (16_859, 16_859)
    assert readers.LIVE_TOLERANCE == 0.03


# --- validation ------------------------------------------------------------------------------------------------


def test_validate_returns_a_conforming_frame_and_summarises_failures():
    schema = pa.DataFrameSchema(
        {
            "code": pa.Column(str, pa.Check.str_matches(readers.COMMUNE_CODE)),
            "part": pa.Column(float, pa.Check.ge(0), nullable=True),
        }
    )
    good = pd.DataFrame({"code": ["59350", "2A004"], "part": [1.0, np.nan]})
    pd.testing.assert_frame_equal(readers.validate(DATASET, Path("f.csv"), good, schema), good)
    bad = pd.DataFrame({"code": ["5935", "59350"], "part": [-1.0, 2.0]})
    message = refused(lambda: readers.validate(DATASET, Path("f.csv"), bad, schema))
    assert message.endswith(
        "données non conformes : code: str_matches('^(\\d{5}|2[AB]\\d{3})$') (ex. '5935'); "
        "part: greater_than_or_equal_to(0) (ex. -1.0)"
    )


def test_validate_names_each_failed_check_once_and_five_at_most():
    schema = pa.DataFrameSchema({f"c{number}": pa.Column(float, pa.Check.ge(0)) for number in range(7)})
    bad = pd.DataFrame({f"c{number}": [-1.0, -2.0] for number in range(7)})
    message = refused(lambda: readers.validate(DATASET, Path("f.csv"), bad, schema))
    parts = message.split("données non conformes : ")[1].split("; ")
    assert parts == [f"c{number}: greater_than_or_equal_to(0) (ex. -1.0)" for number in range(5)]


@pytest.mark.parametrize(
    ("pattern", "good", "bad"),
    [
        (readers.COMMUNE_CODE, ["59350", "2A004", "2B033", "97411"], ["5935", "593500", "2C033", "59 35"]),
        (readers.DEPARTEMENT_CODE, ["01", "2A", "59", "95", "971", "974", "976"], ["00", "20", "96", "975", "1"]),
        (readers.REGION_CODE, ["01", "06", "11", "32", "94"], ["05", "07", "31", "99"]),
    ],
)
def test_official_code_formats(pattern, good, bad):
    assert pd.Series(good).str.fullmatch(pattern.strip("^$")).all()
    assert not pd.Series(bad).str.match(pattern).any()
