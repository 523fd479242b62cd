"""Analysis: pure pandas/numpy functions, frames in, results out (no I/O, no terminal).

- `clock`: local start times (DST-correct, optionally travel-aware) and the weekly clock;
- `devices`: device families from Spotify's platform strings;
- `sessions`: sessions split by 30 minutes of silence;
- `intent`: deliberate and passive starts, skips, by device and shuffle;
- `taste`: top lists, kinds, countries, diversity, discovery, taste by year;
- `favorites`: obsessions within a rolling week, forgotten favourites;
- `moments/`: the recurring moments of a life (features, DBSCAN model, names, traits, ids);
- `common`: what a play is, names as integer codes, grouping helpers.
"""
