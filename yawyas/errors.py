"""The errors a person can act on: one sentence each, and an exit code."""

from __future__ import annotations


class YawyasError(Exception):
    """A failure with one human sentence; the CLI prints it and exits with `exit_code`."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadInputError(YawyasError):
    """The person gave us a file, option or value we cannot use (exit code 2)."""

    exit_code = 2


class NotFoundError(BadInputError):
    """A path, recipe or moment the person named does not exist (exit code 2)."""


class StoreError(YawyasError):
    """The local store cannot be opened or is from a newer yawyas (exit code 1)."""


class SpotifyError(YawyasError):
    """Spotify answered with an error we cannot work around now (exit code 1)."""


class AuthError(SpotifyError):
    """Not logged in, or the login expired: `yawyas login` fixes it (exit code 1)."""


class RateLimitedError(SpotifyError):
    """Spotify asked us to wait longer than we are willing to; progress is saved (exit code 1)."""

    def __init__(self, message: str, retry_after_s: float) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class BusyError(YawyasError):
    """Another sync, enrich, import or refresh holds the store's lock; nothing was done (exit
    code 3)."""

    exit_code = 3
