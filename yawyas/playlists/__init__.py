"""Playlists: moods, recipes, the generation steps, publishing and evaluation."""
