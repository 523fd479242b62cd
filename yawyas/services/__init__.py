"""The workflows: the only place that ties sources, store and analysis together.

Each is a plain function taking a store connection (and a Spotify client where it needs one)
and returning results: `ingest` (import files), `sync` (sync and enrich from the Web API),
`moments` (learn once per history, cached), `playlists` (context, now, recipes, moods,
evaluate), `publish` (write playlists to Spotify), `export` (the plays file), `profile` and
`report` (documents of the store), `demo` (the demo store).
"""
