"""One module per command or command group, named after it; importing registers them."""

from yawyas.cli.commands import (  # noqa: F401
    account,
    demo,
    enrich,
    evaluate,
    export,
    import_,
    moments,
    moods,
    playlist,
    profile,
    refresh,
    report,
    schedule,
    status,
    sync,
)
