"""The shape of the package, guarded: each layer imports only downward, heavy libraries load
only where they are used, and the fast commands stay fast (no scikit-learn on a cached path).

Layers, lowest first: errors and settings; sources; store; analysis; playlists and reports
(pure: no store, no network); services (the workflows); cli (parse, call one service, render).
`demo` is the simulation behind `yawyas demo` and the tests: it stands apart and imports only
errors.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "yawyas"

# What each layer may import from the package (itself always).
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "settings": {"errors"},
    "sources": {"errors"},
    "store": {"errors", "sources"},
    "analysis": {"errors"},
    "playlists": {"errors", "analysis"},
    "reports": {"errors", "analysis"},
    "demo": {"errors"},
    "services": {
        "errors",
        "settings",
        "sources",
        "store",
        "analysis",
        "playlists",
        "reports",
        "demo",
        "version",
    },
    "cli": {"errors", "settings", "services", "version"},
    "__main__": {"cli"},
    "__init__": set(),
}
# The CLI opens the store and makes Spotify clients (it owns connections and clients and passes
# them in) and renders moments: these modules it may use besides services.
CLI_EXTRA = ("yawyas.store.db", "yawyas.sources.spotify", "yawyas.analysis.moments.types")
# Third-party libraries that belong to one layer only.
OWNED = {"spotipy": "sources", "sklearn": "analysis", "typer": "cli", "rich": "cli"}


def _layer(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else path.stem


def _imports(path: Path) -> list[tuple[str, int]]:
    """(module, line) of every import, also inside functions; type-only imports left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip |= {id(n) for child in node.body for n in ast.walk(child)}
    found = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(f"{node.module}.{alias.name}", node.lineno) for alias in node.names]
    return found


def _target(module: str) -> str | None:
    if not module.startswith("yawyas."):
        return None
    name = module.split(".")[1]
    return "version" if name == "__version__" else name


FILES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_each_layer_imports_only_downward(path: Path) -> None:
    layer = _layer(path)
    wrong = []
    for module, line in _imports(path):
        target = _target(module)
        if target is None or target == layer or target in ALLOWED[layer]:
            continue
        if layer == "cli" and module.startswith(CLI_EXTRA):
            continue
        wrong.append(f"line {line}: {module}")
    assert not wrong, f"{layer} must not import these: {wrong}"


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_heavy_libraries_stay_in_their_layer(path: Path) -> None:
    layer = _layer(path)
    wrong = [
        f"line {line}: {module}"
        for module, line in _imports(path)
        if OWNED.get(module.split(".")[0], layer) != layer
    ]
    assert not wrong, f"{layer} imports a library another layer owns: {wrong}"


def test_sql_lives_in_the_store() -> None:
    found = [
        str(p.relative_to(ROOT))
        for p in FILES
        if _layer(p) != "store" and "conn.execute(" in p.read_text(encoding="utf-8")
    ]
    assert not found


def _modules_after(code: str, env: dict[str, str] | None = None) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        check=True,
    )
    return set(result.stdout.split())


def test_the_cli_starts_without_pandas_numpy_or_scikit_learn() -> None:
    loaded = _modules_after("import yawyas.cli.commands")
    assert not {"pandas", "numpy", "sklearn", "spotipy", "scipy"} & loaded


@pytest.fixture(scope="module")
def learned_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo store whose moments and playlist plays are already learned and cached."""
    from yawyas.demo import generate_history, write_export
    from yawyas.services import ingest
    from yawyas.services.moments import ensure_moments
    from yawyas.services.playlists import load_listening
    from yawyas.store.db import connect

    folder = tmp_path_factory.mktemp("cached")
    write_export(generate_history("default", seed=3, years=1), folder / "export")
    db = folder / "yawyas.db"
    conn = connect(db)
    ingest.import_paths(conn, [folder / "export"])
    ensure_moments(conn, tz="Europe/Madrid")
    load_listening(conn, "Europe/Madrid")
    conn.close()
    return db


def _run_loaded(db: Path, command: list[str]) -> set[str]:
    """The modules loaded by one `yawyas --db DB COMMAND...` run in a fresh interpreter."""
    code = (
        "import sys\n"
        "import yawyas.cli.commands\n"
        "from yawyas.cli.app import app\n"
        f"sys.argv = ['yawyas', '--db', {str(db)!r}, *{command!r}]\n"
        "try:\n"
        "    app()\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
    )
    return _modules_after(code, {"YAWYAS_TZ": "Europe/Madrid"})


@pytest.mark.parametrize(
    "command",
    [["moments", "--json"], ["playlist", "now", "--at", "2026-10-02 21:30", "--json"]],
    ids=["moments", "playlist now"],
)
def test_cached_fast_commands_do_not_load_scikit_learn(
    learned_store: Path, command: list[str]
) -> None:
    assert "sklearn" not in _run_loaded(learned_store, command)


def test_playlist_now_on_a_cached_store_does_not_load_pandas(learned_store: Path) -> None:
    """`playlist now` reads cached columns with numpy: pandas alone costs it a third of a second
    (the why of a track once imported it for the names of the device families)."""
    assert "pandas" not in _run_loaded(
        learned_store, ["playlist", "now", "--at", "2026-10-02 21:30", "--json"]
    )


def test_learning_moments_does_load_scikit_learn(learned_store: Path, tmp_path: Path) -> None:
    """The check above can fail: a store with nothing learned yet loads scikit-learn."""
    import shutil

    fresh = tmp_path / "fresh.db"
    shutil.copy(learned_store, fresh)
    assert "sklearn" in _run_loaded(fresh, ["moments", "--refresh", "--json"])
