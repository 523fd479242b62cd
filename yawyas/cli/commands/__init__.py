"""One module per command group; importing this package registers them all."""

import yawyas.cli.commands.account  # noqa: F401
from yawyas.cli.commands import history  # noqa: F401
