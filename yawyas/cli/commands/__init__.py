"""One module per command group; importing this package registers them all."""

import yawyas.cli.commands.account
import yawyas.cli.commands.history
import yawyas.cli.commands.playlists
import yawyas.cli.commands.profile  # noqa: F401
