"""One module per command group; importing this package registers them all."""

from yawyas.cli.commands import history  # noqa: F401
