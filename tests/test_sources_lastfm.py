"""Last.fm scrobble exports: every layout we read, hostile bytes, and round trips.

All rows are made up here; none comes from a real export.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yawyas.errors import BadInputError
from yawyas.sources import lastfm, lastfm_fast
from yawyas.sources.lastfm import parse_dmy_minutes, read_lastfm, sniff
from yawyas.sources.scrobbles import (
    DOUBLE,
    IMPLAUSIBLE,
    MISSING,
    NO_DATE,
    NO_NAMES,
    Scrobble,
    ScrobbleColumns,
    clean_isrc,
    clean_mbid,
    clean_spotify_id,
)

NOW = datetime(2025, 6, 15, 12, 0, tzinfo=UTC).timestamp()
GHAN_HEADER = "uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid"
MBID = "5b7f1e2a-0c3d-4e5f-8a9b-0c1d2e3f4a5b"


def ts(text: str) -> int:
    """UTC seconds of "YYYY-MM-DD HH:MM[:SS]"."""
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


def read(text: str | bytes, name: str = "scrobbles.csv") -> ScrobbleColumns:
    data = text.encode() if isinstance(text, str) else text
    cols = read_lastfm(name, data, now=NOW)
    assert cols.rows == cols.kept + sum(cols.skipped.values())
    for arr in (cols.started_at, cols.artist_codes, cols.track_codes, cols.mbid_codes):
        assert arr.dtype == np.int64
        assert len(arr) == cols.kept
    return cols


def plays(cols: ScrobbleColumns) -> list[tuple[int, str, str, str | None]]:
    return [(r.started_at, r.artist, r.track, r.album) for r in map(cols.record, range(cols.kept))]


# --------------------------------------------------------------------------- the layouts


def test_lastfm_to_csv_rows_have_no_header_and_minute_dates() -> None:
    cols = read(
        "Loud Band,Live at Home,Opening,\n"  # the "now playing" row: no date
        "Loud Band,Live at Home,Second Song,03 Feb 2021 21:07\n"
        "Quiet Duo,,Lullaby,31 Dec 2009 23:59\n"
    )
    assert cols.source == "lastfm"
    assert cols.layout == "lastfm-to-csv"
    assert cols.precision_s == 60
    assert plays(cols) == [
        (ts("2021-02-03 21:07"), "Loud Band", "Second Song", "Live at Home"),
        (ts("2009-12-31 23:59"), "Quiet Duo", "Lullaby", None),
    ]
    assert cols.skipped == {NO_DATE: 1}
    assert cols.rows == 3
    assert (cols.duration_ms == -1).all()
    assert cols.record(0) == Scrobble(
        ts("2021-02-03 21:07"), "Loud Band", "Second Song", "Live at Home",
        -1, None, None, None, None,
    )  # fmt: skip


def test_lastfm_to_csv_with_an_added_header_and_dates_that_kept_their_comma() -> None:
    cols = read(
        "artist,album,track,date\n"
        'Solo Act,First,"Track, Part 1","7 Mar 2015, 08:05"\n'
        "Solo Act,First,Two,07 mar 2015 08:09\n"
    )
    assert cols.layout == "lastfm-to-csv"
    assert plays(cols) == [
        (ts("2015-03-07 08:05"), "Solo Act", "Track, Part 1", "First"),
        (ts("2015-03-07 08:09"), "Solo Act", "Two", "First"),
    ]


def test_ghan_export_quotes_every_field_and_times_by_uts() -> None:
    rows = [
        GHAN_HEADER,
        f'"1612386425","03 Feb 2021, 21:07","Band, The","","Album ""Live""","",'
        f'"Multi\nline","{MBID.upper()}"',
        '"1262303999","31 Dec 2009, 23:59","Other","","","","Plain",""',
    ]
    cols = read("\ufeff" + "\r\n".join(rows) + "\r\n")
    assert cols.layout == "lastfm.ghan.nl"
    assert cols.precision_s == 1
    assert plays(cols) == [
        (1612386425, "Band, The", "Multi\nline", 'Album "Live"'),
        (1262303999, "Other", "Plain", None),
    ]
    assert cols.record(0).mbid == MBID
    assert cols.record(1).mbid is None


def test_lastfmstats_export_is_semicolon_separated_with_millisecond_dates() -> None:
    text = (
        '\ufeff"Artist";"Album";"AlbumId";"Track";"Date#listener"\n'
        '"Semi; Colon";"Record";"";"Tune";"1612386425999"\n'
        '"Other";"";"";"Song";"1262303999000"'
    )
    cols = read(text)
    assert cols.layout == "lastfmstats.com"
    assert plays(cols) == [
        (1612386425, "Semi; Colon", "Tune", "Record"),
        (1262303999, "Other", "Song", None),
    ]


def test_lastexport_tsv_is_unquoted_so_quotes_are_part_of_names() -> None:
    cols = read(
        f'1612386425\t12" Mix\tBand\tAlbum\t{MBID}\t\t\n1262303999\tSong\t"Quoted"\t\t\t\t\n',
        name="exported_tracks.txt",
    )
    assert cols.layout == "lastexport.py"
    assert plays(cols) == [
        (1612386425, "Band", '12" Mix', "Album"),
        (1262303999, '"Quoted"', "Song", None),
    ]
    assert cols.record(0).mbid == MBID


def test_a_utf16_file_with_bom_reads_like_utf8() -> None:
    text = "Café Band,Album,Chanson,03 Feb 2021 21:07\r\n"
    assert plays(read(text.encode("utf-16"))) == [
        (ts("2021-02-03 21:07"), "Café Band", "Chanson", "Album")
    ]


# --------------------------------------------------------------------------- what is kept


def test_double_scrobbles_are_one_play_at_the_layouts_precision() -> None:
    cols = read(
        "A,X,Song,03 Feb 2021 21:07\n"
        "A,X,Song,03 Feb 2021 21:07\n"  # the same minute: one play
        "A,Y,Song,03 Feb 2021 21:07\n"  # another album, same play
        "A,X,Other,03 Feb 2021 21:07\n"  # another track in the same minute: kept
        "B,X,Song,03 Feb 2021 21:07\n"  # another artist: kept
        "A,X,Song,03 Feb 2021 21:08\n"  # the next minute: kept
    )
    assert cols.skipped == {DOUBLE: 2}
    assert [(r[1], r[2]) for r in plays(cols)] == [
        ("A", "Song"),
        ("A", "Other"),
        ("B", "Song"),
        ("A", "Song"),
    ]
    seconds = read(
        f"{GHAN_HEADER}\n"
        '"1612386425","","A","","","","Song",""\n'
        '"1612386426","","A","","","","Song",""\n'  # a second later: two plays
        '"1612386425","","A","","","","Song",""\n'
    )
    assert seconds.kept == 2
    assert seconds.skipped == {DOUBLE: 1}


def test_dates_before_2002_or_after_tomorrow_are_implausible() -> None:
    tomorrow = datetime.fromtimestamp(NOW, UTC) + timedelta(days=1)
    cols = read(
        "A,,T1,01 Jan 1970 00:00\n"  # a scrobble with a lost time
        "A,,T2,31 Dec 2001 23:59\n"
        "A,,T3,01 Jan 2002 00:00\n"
        f"A,,T4,{tomorrow:%d %b %Y %H:%M}\n"
        f"A,,T5,{tomorrow + timedelta(minutes=1):%d %b %Y %H:%M}\n"
    )
    assert [r[2] for r in plays(cols)] == ["T3", "T4"]
    assert cols.skipped == {IMPLAUSIBLE: 3}


def test_absurd_unix_times_are_implausible_not_unreadable() -> None:
    cols = read(
        f"{GHAN_HEADER}\n"
        '"99999999999999999999999","","A","","","","T",""\n'
        '"-5","","A","","","","T",""\n'
        '"1612386425","","A","","","","T",""\n'
    )
    assert (cols.kept, cols.skipped) == (1, {IMPLAUSIBLE: 2})


def test_rows_without_artist_or_track_are_counted_and_names_are_stripped() -> None:
    cols = read(
        " Band ,  ,  Song\t,03 Feb 2021 21:07\n"
        "   ,Album,Song,03 Feb 2021 21:08\n"
        "Band,Album, ,03 Feb 2021 21:09\n"
    )
    assert plays(cols) == [(ts("2021-02-03 21:07"), "Band", "Song", None)]
    assert cols.skipped == {NO_NAMES: 2}


def test_blank_lines_and_a_header_only_file() -> None:
    assert plays(read("\n\nA,B,C,03 Feb 2021 21:07\n\n   \nD,E,F,03 Feb 2021 21:08\n\n")) == [
        (ts("2021-02-03 21:07"), "A", "C", "B"),
        (ts("2021-02-03 21:08"), "D", "F", "E"),
    ]
    empty = read(GHAN_HEADER + "\r\n")
    assert (empty.rows, empty.kept, empty.skipped) == (0, 0, {})
    assert empty.layout == "lastfm.ghan.nl"


def test_many_batches_give_the_same_result_as_one(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [f"Artist {i % 4},,Song {i % 3},0{i % 9 + 1} Feb 2021 21:0{i % 7}" for i in range(40)]
    text = "\n\n".join(["Now,,Playing,", *lines, lines[0]]) + "\n"
    whole = read(text)
    monkeypatch.setattr(lastfm, "_CHUNK", 3)
    batched = read(text)
    assert plays(batched) == plays(whole)
    assert batched.skipped == whole.skipped
    assert batched.skipped[DOUBLE] >= 1


def test_text_decoded_in_small_blocks_reads_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [
        f'"{1612386425 + i}","","Bänd {i % 3}","","Al\r\nbum","","Sóng\n{i}",""' for i in range(30)
    ]
    data = ("\ufeff" + GHAN_HEADER + "\r\n" + "\r\n".join(rows) + "\r\n").encode()
    whole = read(data)
    monkeypatch.setattr(lastfm, "_BLOCK", 5)  # blocks end inside quoted fields
    assert plays(read(data)) == plays(whole)
    assert whole.kept == 30
    broken = data + b'"1612386425","","Caf\xe9","","","","T",""\r\n'
    with pytest.raises(BadInputError, match=r"is not UTF-8 text \(line 92 has the byte 0xe9"):
        read(broken)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,email\nx,y\n", "is not a Last.fm export we can read"),
        ("just some words\n", "is not a Last.fm export we can read"),
        ("A,B,C,03 Feb 2021 21:07\nA,B\n", "line 2 has 2 fields where the lastfm-to-csv"),
        ("A,B,C,03 Feb 2021 21:07\nA,B,C,D,03 Feb 2021 21:07\n", "line 2 has 5 fields"),
        ("A,B,C,03 Feb 2021 21:07\n\n\nA,B,C,31 Feb 2021 21:07\n", "line 4: the date"),
        ("A,B,C,03 Feb 2021 21:07\nA,B,C,3 Feb 2021 24:00\n", "'3 Feb 2021 24:00' cannot"),
        ("A,B,C,03 Feb 2021 21:07\nA,B,C,03 Fev 2021 21:07\n", "line 2: the date"),
        ("A,B,C,03 Feb 2021 21:07\nA,B,C,2021-02-03 21:07\n", "like 20 Nov 2020 09:35"),
        (
            f'{GHAN_HEADER}\n"1","","A\nB","","","","T",""\n"soon","","A","","","","T",""\n',
            "line 4: the date 'soon' cannot be read (a lastfm.ghan.nl file has dates in unix",
        ),
        ('A,B,C,03 Feb 2021 21:07\n"A,B,C,03 Feb 2021 21:07\n', "line 2 has 1 field where"),
        ("", "is empty"),
        ("\n \n", "is empty"),
    ],
)
def test_bad_input_is_one_sentence_naming_file_and_line(text: str, message: str) -> None:
    with pytest.raises(BadInputError, match=r"^scrobbles\.csv") as err:
        read(text)
    assert message in err.value.message
    assert err.value.exit_code == 2
    assert err.value.message.count(". ") == 0  # one sentence


def test_bytes_that_are_not_utf8_are_named_by_line() -> None:
    data = b"A,B,C,03 Feb 2021 21:07\n" + "Caf\u00e9,B,C,03 Feb 2021 21:07\n".encode("latin-1")
    with pytest.raises(BadInputError, match=r"scrobbles.csv is not UTF-8 text \(line 2"):
        read(data)


def test_a_field_larger_than_csv_allows_is_bad_input() -> None:
    text = f'{GHAN_HEADER}\n"1612386425","","' + "x" * 200_000 + '","","","","T",""\n'
    with pytest.raises(BadInputError, match="line 2 cannot be read as CSV"):
        read(text)


# --------------------------------------------------------------------------- sniffing

SPOTIFY_EXTENDED = json.dumps(
    [{"ts": "2021-02-03T21:07:00Z", "ms_played": 1000, "master_metadata_track_name": "A,B,C"}]
)
SPOTIFY_ACCOUNT = json.dumps(
    [{"endTime": "2021-02-03 21:07", "artistName": "A", "trackName": "B", "msPlayed": 9}]
)
LISTENBRAINZ_LINE = json.dumps({"listened_at": 1612386425, "track_metadata": {}})


@pytest.mark.parametrize(
    "text",
    [
        "Band,Album,Track,03 Feb 2021 21:07\n" * 3,
        "Band,Album,Track,\nBand,Album,Track,03 Feb 2021 21:07\n",
        "artist,album,track,date\n",
        f"{GHAN_HEADER}\r\n",
        '\ufeff"Artist";"Album";"AlbumId";"Track";"Date#x"\n"A";"B";"";"C";"1"\n',
        "1612386425\tT\tA\tB\t\t\t\n",
        "Band,Album,Track,03 Feb 2021 21:07\nBand,Album,Track,03 Feb 20",  # cut mid-line
    ],
)
def test_sniff_knows_every_layout(text: str) -> None:
    assert sniff("whatever.bin", text.encode())
    assert sniff("whatever.bin", text.lstrip("\ufeff").encode("utf-16")[:4001])  # cut mid-char


@pytest.mark.parametrize(
    "text",
    [
        "",
        SPOTIFY_EXTENDED,
        SPOTIFY_ACCOUNT,
        LISTENBRAINZ_LINE + "\n",
        "name,email,phone,date\nx,y,z,w\n",
        "A,B,C,not a date\n",
        "Band,Album,Track,\n",  # only a now-playing row: nothing says it is Last.fm
        "A,B,C,03 Feb 2021 21:07\nsomething else entirely\n",
        "1612386425,T,A,B\n",
    ],
)
def test_sniff_refuses_everything_else(text: str) -> None:
    assert not sniff("scrobbles.csv", text.encode())


# --------------------------------------------------------------------------- small parts


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 31, 23, 59)),
    st.sampled_from(["%d %b %Y %H:%M", "%d %b %Y, %H:%M", "%-d %b %Y %H:%M", "%d %B %Y %H:%M"]),
)
def test_display_dates_parse_like_datetime(moment: datetime, fmt: str) -> None:
    moment = moment.replace(second=0, microsecond=0, tzinfo=UTC)
    text = moment.strftime(fmt)
    seconds, bad = parse_dmy_minutes([text, "", f" {text} "])
    if fmt == "%d %B %Y %H:%M" and len(moment.strftime("%B")) > 3:
        assert bad == 0  # full month names are not Last.fm's
        return
    assert bad is None
    expected = int(moment.timestamp())
    assert seconds.tolist() == [expected, int(MISSING), expected]


def test_calendar_edges() -> None:
    ok, bad = parse_dmy_minutes(["29 Feb 2020 00:00", "31 Dec 2099 23:59", "01 Jan 2000 00:00"])
    assert bad is None
    assert ok.tolist() == [ts("2020-02-29 00:00"), ts("2099-12-31 23:59"), ts("2000-01-01 00:00")]
    for wrong in [
        "29 Feb 2021 00:00",
        "31 Apr 2020 10:00",
        "00 Jan 2020 10:00",
        "10 Jan 2020 10:60",
    ]:
        assert parse_dmy_minutes(["01 Jan 2020 00:00", wrong])[1] == 1, wrong


def test_id_cleaning() -> None:
    assert clean_mbid(f" {MBID.upper()} ") == MBID
    assert clean_mbid("not-an-id") is None
    uri = "spotify:track:4cOdK2wGLETKBW3PvgPWqT"
    for form in [
        "https://open.spotify.com/track/4cOdK2wGLETKBW3PvgPWqT",
        "http://open.spotify.com/track/4cOdK2wGLETKBW3PvgPWqT?si=abc",
        "https://open.spotify.com/intl-de/track/4cOdK2wGLETKBW3PvgPWqT",
        uri,
        "4cOdK2wGLETKBW3PvgPWqT",
    ]:
        assert clean_spotify_id(form) == uri, form
    assert clean_spotify_id("https://open.spotify.com/album/4cOdK2wGLETKBW3PvgPWqT") is None
    assert clean_isrc("us-s1z-99-00001") == "USS1Z9900001"
    assert clean_isrc("nope") is None


# --------------------------------------------------------------------------- round trips

names = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]) | st.sampled_from(",;\"'\t\n "),
    max_size=12,
)
starts = st.integers(min_value=ts("2002-01-01 00:00"), max_value=int(NOW))


def model(
    rows: list[tuple[int | None, str, str, str]], precision: int
) -> tuple[list[tuple[int, str, str, str | None]], dict[str, int]]:
    """What the reader should keep, written the slow obvious way."""
    kept: list[tuple[int, str, str, str | None]] = []
    seen: set[tuple[int, str, str]] = set()
    skipped: dict[str, int] = {}
    for start, artist, track, album in rows:
        reason = None
        if start is None:
            reason = NO_DATE
        elif not artist.strip() or not track.strip():
            reason = NO_NAMES
        else:
            at = start - start % precision
            key = (at, artist.strip(), track.strip())
            if key in seen:
                reason = DOUBLE
            else:
                seen.add(key)
                kept.append((at, *key[1:], album.strip() or None))
        if reason:
            skipped[reason] = skipped.get(reason, 0) + 1
    return kept, skipped


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.none() | starts, names, names, names), max_size=25))
def test_ghan_round_trip(rows: list[tuple[int | None, str, str, str]]) -> None:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(GHAN_HEADER.split(","))
    for start, artist, track, album in rows:
        writer.writerow(["" if start is None else start, "", artist, "", album, "", track, ""])
    cols = read(out.getvalue())
    assert (plays(cols), cols.skipped) == model(rows, 1)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.none() | starts, names, names, names), min_size=1, max_size=25))
def test_lastfm_to_csv_round_trip(rows: list[tuple[int | None, str, str, str]]) -> None:
    # the tool drops commas and quotes from every value; newlines cannot survive unquoted
    def tool(value: str) -> str:
        return value.translate({ord(c): None for c in ',"\n\r'})

    rows = [(s, tool(a), tool(t), tool(b)) for s, a, t, b in rows]
    rows.insert(0, (ts("2020-05-05 05:05"), "First", "Row", ""))  # so a date is seen first
    lines = [
        f"{a},{b},{t},"
        + ("" if s is None else datetime.fromtimestamp(s, UTC).strftime("%d %b %Y %H:%M"))
        for s, a, t, b in rows
    ]
    cols = read("\n".join(lines) + "\n")
    assert (plays(cols), cols.skipped) == model(rows, 60)


# --------------------------------------------------------------------------- the fast path


def both_paths(text: str) -> tuple[ScrobbleColumns | None, ScrobbleColumns | None]:
    """The file read by pyarrow (None: it left the file to the row-by-row reader) and row by
    row (None: bad input)."""
    body = lastfm.utf8_body("f.csv", text.encode())
    found = lastfm._detect(body.decode(), complete=True, strict=False)
    assert found is not None
    layout, has_header = found
    fast = lastfm_fast.read_fast(body, layout, has_header, NOW)
    try:
        slow = lastfm._read_rows("f.csv", lastfm._Rows("f.csv", body, layout), has_header, NOW)
    except BadInputError:
        slow = None
    return fast, slow


def same(a: ScrobbleColumns, b: ScrobbleColumns) -> bool:
    records = [list(map(c.record, range(c.kept))) for c in (a, b)]
    counts = [(c.rows, c.skipped, c.layout) for c in (a, b)]
    return records[0] == records[1] and counts[0] == counts[1]


def test_the_fast_path_reads_every_layout() -> None:
    texts = [
        "Band,Album,Song,03 Feb 2021 21:07\nBand,,Other,\n,,,\nDuo,X,Y,3 Feb 2021 21:07\n",
        f'{GHAN_HEADER}\n"1612386425","","Band","","Album","","Song","{MBID}"\n\n',
        'Artist;Album;AlbumId;Track;Date#me\n"Band";"Al";"";"Song";"1612386425000"\n',
        '1612386425\tSong\tBand\tAlbum\t\t\t\n1612386400\tSo"ng\tBand\t\t\t\t\n',
    ]
    for text in texts:
        fast, slow = both_paths(text)
        assert fast is not None
        assert slow is not None
        assert same(fast, slow), text


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.none() | starts | st.sampled_from(["", " 12", "x", "1e3"]), names, names),
        min_size=1,
        max_size=20,
    ),
    st.sampled_from(["ghan", "lastexport", "dmy"]),
)
def test_the_fast_path_reads_what_the_row_reader_reads(
    rows: list[tuple[int | str | None, str, str]], kind: str
) -> None:
    """Wherever pyarrow reads a file, it gives what the row-by-row reader gives."""
    if kind == "ghan":
        out = io.StringIO()
        writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow(GHAN_HEADER.split(","))
        for start, artist, track in rows:
            writer.writerow(["" if start is None else start, "", artist, "", "", "", track, ""])
        text = out.getvalue()
    elif kind == "lastexport":
        text = "1612386425\tFirst\tRow\t\t\t\t\n" + "".join(
            f"{'' if s is None else s}\t{t}\t{a}\t\t\t\t\n".replace("\n\t", "\t")
            for s, a, t in rows
        )
    else:

        def day(s: int | str | None) -> str:
            if isinstance(s, int):
                return datetime.fromtimestamp(s, UTC).strftime("%d %b %Y %H:%M")
            return s or ""

        text = "First,,Row,05 May 2020 05:05\n" + "".join(
            f"{a},,{t},{day(s)}\n" for s, a, t in rows
        )
    fast, slow = both_paths(text)
    if fast is not None:
        assert slow is not None, text
        assert same(fast, slow), text
