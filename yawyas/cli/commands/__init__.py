"""One module per command group; importing this package registers them all."""

import yawyas.cli.commands.account
import yawyas.cli.commands.history
import yawyas.cli.commands.moments
import yawyas.cli.commands.playlists
import yawyas.cli.commands.profile
import yawyas.cli.commands.report  # noqa: F401
