"""The local store: one SQLite file, the only place with SQL.

Schema in numbered migrations (`migrations`); times are integers (unix seconds, UTC); names live
once in small dimension tables (`dimensions`) and streams point at them with integer keys
(`streams`), so a lifetime of 1,000,000 streams stays small and quick to scan. One module per
group of tables: `db` (connection, transactions, meta), `imports` (bookkeeping), `library`
(playlists, library, inferences from exports), `spotify`, `spotify_library` and `metadata` (what
the Web API adds), `moments` (learned moments), `published` (playlists yawyas publishes), and
`cache` (files derived from the history, beside the store).
"""
