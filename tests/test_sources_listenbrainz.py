"""ListenBrainz listens: export members, the older JSON array, hostile bytes, round trips.

All listens are made up here; none comes from a real export.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yawyas.errors import BadInputError
from yawyas.sources import listenbrainz
from yawyas.sources.lastfm import sniff as sniff_lastfm
from yawyas.sources.listenbrainz import read_listenbrainz, sniff
from yawyas.sources.scrobbles import DOUBLE, IMPLAUSIBLE, NO_DATE, NO_NAMES, ScrobbleColumns

NOW = datetime(2025, 6, 15, 12, 0, tzinfo=UTC).timestamp()
T0 = 1_612_386_425  # 2021-02-03 21:07:05 UTC
REC = "5b7f1e2a-0c3d-4e5f-8a9b-0c1d2e3f4a5b"
MAPPED = "0c9d8e7f-6a5b-4c3d-8e1f-a2b3c4d5e6f7"
MSID = "11111111-2222-4333-8444-555555555555"
TRACK_ID = "4cOdK2wGLETKBW3PvgPWqT"


def listen(at: Any = T0, artist: Any = "Band", track: Any = "Song", **extra: Any) -> dict[str, Any]:
    """A listen as the export writes it; `info`, `mapping`, `album` and top-level keys by name."""
    meta: dict[str, Any] = {"artist_name": artist, "track_name": track}
    if "album" in extra:
        meta["release_name"] = extra.pop("album")
    if "info" in extra:
        meta["additional_info"] = extra.pop("info")
    if "mapping" in extra:
        meta["mbid_mapping"] = extra.pop("mapping")
    row: dict[str, Any] = {"inserted_at": T0 + 5.5, "track_metadata": meta, **extra}
    if at is not None:
        row["listened_at"] = at
    return row


def jsonl(*rows: dict[str, Any]) -> bytes:
    return b"".join(orjson.dumps(r) + b"\n" for r in rows)


def read(data: bytes, name: str = "listens/2021/2.jsonl") -> ScrobbleColumns:
    cols = read_listenbrainz(name, data, now=NOW)
    assert cols.rows == cols.kept + sum(cols.skipped.values())
    assert cols.source == "listenbrainz"
    assert cols.precision_s == 1
    return cols


# --------------------------------------------------------------------------- what is read


def test_an_export_member_reads_names_times_durations_and_ids() -> None:
    cols = read(
        jsonl(
            listen(
                T0,
                " Band ",
                "Song",
                album="Record",
                info={
                    "duration_ms": 215_000,
                    "spotify_id": f"https://open.spotify.com/track/{TRACK_ID}",
                    "isrc": "us-s1z-99-00001",
                    "recording_mbid": REC,
                },
                mapping={"recording_mbid": MAPPED, "recording_name": "Song"},
                recording_msid=MSID,
            ),
            listen(T0 - 300, "Band", "Other", info={"duration": 181}, mapping=None),
        )
    )
    assert cols.layout == "listenbrainz-jsonl"
    first, second = cols.record(0), cols.record(1)
    assert (first.started_at, first.artist, first.track, first.album) == (
        T0,
        "Band",
        "Song",
        "Record",
    )
    assert first.duration_ms == 215_000
    assert first.spotify_id == f"spotify:track:{TRACK_ID}"
    assert first.isrc == "USS1Z9900001"
    assert first.mbid == REC  # the submitted MBID wins over the server's match
    assert first.msid == MSID
    assert (second.album, second.duration_ms, second.mbid, second.spotify_id) == (
        None,
        181_000,
        None,
        None,
    )
    assert cols.artist_codes.tolist() == [0, 0]  # one artist, coded once


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (T0, T0),
        (float(T0), T0),
        (T0 + 0.999, T0),  # JSON-lines written by the database carry a fraction
        (str(T0), T0),
        ("2021-02-03T21:07:05Z", T0),
        ("2021-02-03T22:07:05+01:00", T0),
        ("2021-02-03 21:07:05", T0),
    ],
)
def test_listened_at_forms(value: Any, expected: int) -> None:
    assert read(jsonl(listen(value))).started_at.tolist() == [expected]


def test_ids_come_from_wherever_the_export_put_them() -> None:
    cols = read(
        jsonl(
            listen(T0, track="A", recording_msid=MSID),
            listen(T0, track="B", info={"recording_msid": MSID, "recording_mbid": "junk"},
                   mapping={"recording_mbid": MAPPED}),
            listen(T0, track="C", info={"origin_url": f"https://open.spotify.com/track/{TRACK_ID}"}),
            listen(T0, track="D", info={"spotify_id": "https://open.spotify.com/album/x",
                                        "isrc": 7}),
            listen(T0, track="E", info={"duration_ms": -5, "duration": 10**9}),
            listen(T0 + 1, track="E", info={"duration_ms": 10**15}),
            listen(T0, track="F", info="not an object"),
        )
    )  # fmt: skip
    rows = [cols.record(i) for i in range(cols.kept)]
    assert [r.msid for r in rows] == [MSID, MSID, None, None, None, None, None]
    assert rows[1].mbid == MAPPED  # a submitted value that is no MBID falls back to the match
    assert rows[2].spotify_id == f"spotify:track:{TRACK_ID}"
    assert (rows[3].spotify_id, rows[3].isrc) == (None, None)
    assert [r.duration_ms for r in rows[4:]] == [-1, -1, -1]
    in_track_metadata = listen(T0)
    in_track_metadata["track_metadata"]["recording_msid"] = MSID
    assert read(jsonl(in_track_metadata)).record(0).msid == MSID


def test_playing_now_implausible_nameless_and_double_listens_are_counted() -> None:
    cols = read(
        jsonl(
            listen(None),  # playing now: no listened_at
            listen(0),
            listen(int(NOW) + 2 * 86_400),
            listen(T0 * 1000),  # milliseconds by mistake
            listen(T0, artist=None),
            listen(T0, track="  "),
            listen(T0, artist=["a", "list"]),
            listen(T0),
            listen(T0 + 0.5),  # the same second
            listen(T0, album="Another release"),  # same start, artist and track: one play
            listen(T0 + 1),
        )
    )
    assert cols.started_at.tolist() == [T0, T0 + 1]
    assert cols.skipped == {NO_DATE: 1, IMPLAUSIBLE: 3, NO_NAMES: 3, DOUBLE: 2}


def test_the_older_json_array_and_a_saved_api_answer() -> None:
    rows = [listen(T0, recording_msid=MSID, user_name="someone"), listen(T0 - 60)]
    array = read(json.dumps(rows, indent=2).encode(), name="someone_lb-2023-01-01.json")
    assert array.layout == "listenbrainz-json-array"
    assert array.started_at.tolist() == [T0, T0 - 60]
    api = {"payload": {"count": 2, "user_id": "someone", "listens": rows}}
    assert read(json.dumps(api, indent=1).encode()).started_at.tolist() == [T0, T0 - 60]
    assert read(b"[]").kept == 0


def test_crlf_bom_blank_lines_and_a_single_line() -> None:
    data = b"\xef\xbb\xbf" + jsonl(listen(T0)).replace(b"\n", b"\r\n") + b"\r\n\n  \n"
    data += jsonl(listen(T0 + 60))
    assert read(data).started_at.tolist() == [T0, T0 + 60]
    assert read(orjson.dumps(listen(T0))).started_at.tolist() == [T0]


def test_batches_give_the_same_result_as_one(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [listen(T0 + i % 5, track=f"T{i % 3}") for i in range(30)]
    data = b"\n".join(orjson.dumps(r) for r in rows) + b"\n\n"
    whole = read(data)
    monkeypatch.setattr(listenbrainz, "_BATCH", 4)
    batched = read(data)
    assert batched.started_at.tolist() == whole.started_at.tolist()
    assert batched.skipped == whole.skipped == {DOUBLE: 15}
    array = read(orjson.dumps(rows))
    assert array.started_at.tolist() == whole.started_at.tolist()


# --------------------------------------------------------------------------- bad input


def lines_with(broken: bytes, at: int, total: int = 4) -> bytes:
    rows = [orjson.dumps(listen(T0 + i)) for i in range(total)]
    rows[at - 1] = broken
    return b"\n\n".join(rows) + b"\n"  # blank lines between: line numbers still count them


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (lines_with(b'{"listened_at": 1612386425, "track_meta', 2), "line 3 is not valid JSON"),
        (lines_with(b'{"listened_at": 1612386425, "track_meta', 2), "the file is damaged"),
        (lines_with(b'{"listened_at": 16123', 4), "line 7 is not valid JSON"),
        (lines_with(b'{"listened_at": 16123', 4), "the file looks cut off"),
        (lines_with(b'{"a": 1} {"b": 2}', 1), "line 1 is not valid JSON"),
        (lines_with(b'{"user_id": 7, "username": "x"}', 3), "line 5 is not a ListenBrainz listen"),
        (lines_with(b"[1, 2]", 2), "line 3 is not a ListenBrainz listen"),
        (
            lines_with(orjson.dumps(listen("yesterday")), 2),
            "line 3: the date 'yesterday' cannot be read",
        ),
        (lines_with(orjson.dumps(listen(True)), 1), "line 1: the date True cannot"),
        (lines_with(orjson.dumps(listen({"s": 1})), 1), "line 1: the date {'s': 1} cannot"),
        (b"[" + orjson.dumps(listen()) + b",", "line 1 is not valid JSON"),
        (orjson.dumps([listen(), {"ts": "2021-02-03T21:07:05Z"}]), "row 2 is not a ListenBrainz"),
        (orjson.dumps({"payload": {"count": 0}}), "is a ListenBrainz API answer without listens"),
        (b"artist,album,track,date\n", "is not ListenBrainz listens: it is not JSON"),
        (b"", "is empty"),
        (b"\xef\xbb\xbf \n", "is empty"),
        (b'{"listened_at": 1, "track_metadata": {"artist_name": "\xff"}}\n{}\n', "line 1 is not"),
    ],
)
def test_bad_input_is_one_sentence_naming_file_and_line(data: bytes, message: str) -> None:
    with pytest.raises(BadInputError, match=r"^listens/2021/2\.jsonl ") as err:
        read(data)
    assert message in err.value.message
    assert err.value.exit_code == 2


def test_a_spotify_export_is_never_read_as_listens() -> None:
    extended = [{"ts": "2021-02-03T21:07:05Z", "ms_played": 1, "listened_at": 1,
                 "track_metadata": {}}]  # fmt: skip
    assert not sniff("Streaming_History_Audio_2021.json", orjson.dumps(extended))
    with pytest.raises(BadInputError):
        read(orjson.dumps([{"endTime": "2021-02-03 21:07", "msPlayed": 9}]))


# --------------------------------------------------------------------------- sniffing and zips


def test_sniff_accepts_listens_in_every_form() -> None:
    line = jsonl(listen(T0, info={"duration_ms": 1}, mapping={"recording_mbid": MAPPED}))
    assert sniff("x", line)
    assert sniff("x", b"\xef\xbb\xbf" + line)
    cut = b'{"inserted_at": 1, "listened_at": 1612386425, "track_metadata": {"artist_name": "B'
    assert sniff("x", cut)  # a first line longer than the head: judged by its keys
    assert sniff("x", orjson.dumps([listen()] * 50, option=orjson.OPT_INDENT_2)[:4096])
    assert sniff("x", json.dumps({"payload": {"listens": [listen()]}}, indent=2).encode())


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"   ",
        orjson.dumps([{"ts": "2021-02-03T21:07:05Z", "ms_played": 1}]),
        orjson.dumps([{"endTime": "2021-02-03 21:07", "artistName": "A", "msPlayed": 9}]),
        orjson.dumps({"user_id": 1, "username": "someone"}) + b"\n",
        jsonl({"recording_msid": MSID, "recording_mbid": None, "score": 1, "created": T0}),
        jsonl({"recording_msid": MSID, "blurb_content": "hi", "pinned_until": T0}),
        jsonl(listen(None)),  # a playing-now line is not an export's listen
        b"Band,Album,Track,03 Feb 2021 21:07\n",
    ],
)
def test_sniff_refuses_everything_else(head: bytes) -> None:
    assert not sniff("listens.jsonl", head)


def export_zip() -> bytes:
    """A user export as ListenBrainz lays it out: listens by month, plus other members."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("user.json", orjson.dumps({"user_id": 1, "username": "someone"}) + b"\n")
        zf.writestr("listens/2020/12.jsonl", jsonl(listen(1_608_000_000), listen(1_608_000_300)))
        zf.writestr("listens/2021/2.jsonl", jsonl(listen(T0, track="Later")))
        zf.writestr("feedback.jsonl", jsonl({"recording_msid": MSID, "score": 1, "created": T0}))
        zf.writestr("pinned_recording.jsonl", jsonl({"recording_msid": MSID, "created": T0}))
    return buf.getvalue()


def test_a_whole_export_is_its_listens_members() -> None:
    picked: dict[str, ScrobbleColumns] = {}
    with zipfile.ZipFile(io.BytesIO(export_zip())) as zf:
        for member in zf.namelist():
            data = zf.read(member)
            assert not sniff_lastfm(member, data[:4096])
            if sniff(member, data[:4096]):
                picked[member] = read(data, name=f"export.zip:{member}")
    assert sorted(picked) == ["listens/2020/12.jsonl", "listens/2021/2.jsonl"]
    assert sum(c.kept for c in picked.values()) == 3


# --------------------------------------------------------------------------- round trip

names = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=10)
mbids = st.sampled_from([REC, MAPPED.upper(), "", "junk"])


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.none() | st.integers(1_100_000_000, int(NOW)),
            names,
            names,
            st.none() | names,
            st.none() | st.integers(-5, 10**7),
            mbids,
        ),
        max_size=20,
    ),
    st.booleans(),
)
def test_round_trip(
    rows: list[tuple[int | None, str, str, str | None, int | None, str]], as_array: bool
) -> None:
    listens = []
    for at, artist, track, album, duration, mbid in rows:
        info: dict[str, Any] = {"recording_mbid": mbid}
        if duration is not None:
            info["duration_ms"] = duration
        listens.append(listen(at, artist, track, album=album, info=info))
    data = orjson.dumps(listens) if as_array else jsonl(*listens)
    if not listens and not as_array:
        return  # an empty file is bad input, tested above
    cols = read(data)

    expected, seen, skipped = [], set(), {}
    for at, artist, track, album, duration, mbid in rows:
        key = (at, artist.strip(), track.strip())
        reason = (
            NO_DATE if at is None
            else NO_NAMES if not key[1] or not key[2]
            else DOUBLE if key in seen
            else None
        )  # fmt: skip
        if reason:
            skipped[reason] = skipped.get(reason, 0) + 1
            continue
        seen.add(key)
        clean = mbid.lower() if mbid.lower() in (REC, MAPPED) else None
        ms = duration if duration is not None and duration > 0 else -1
        expected.append((*key, (album or "").strip() or None, ms, clean))
    got = [
        (r.started_at, r.artist, r.track, r.album, r.duration_ms, r.mbid)
        for r in map(cols.record, range(cols.kept))
    ]
    assert got == expected
    assert cols.skipped == skipped
