"""Where history comes from: Spotify's export files and the Spotify Web API (no SQL here)."""
