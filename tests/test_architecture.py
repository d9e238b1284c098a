"""The apps depend downwards only (docs/ARCHITECTURE.md): the import contract in .importlinter holds.

import-linter reads every module's imports, those inside functions included, so a lower app
that imports a higher one (questions importing sessions, teams importing questions) fails here.
"""

from pathlib import Path

from importlinter.cli import lint_imports

REPO = Path(__file__).resolve().parents[1]


def test_the_import_contract_is_kept(monkeypatch):
    monkeypatch.chdir(REPO)
    assert lint_imports(config_filename=str(REPO / ".importlinter")) == 0


def test_the_contract_catches_an_upward_import(monkeypatch, tmp_path):
    """With the layers turned upside down, today's real imports (sessions -> questions) break it."""
    config = (REPO / ".importlinter").read_text()
    upside_down = config.replace("    sessions\n    questions\n", "    questions\n    sessions\n")
    assert upside_down != config
    path = tmp_path / "inverted.ini"
    path.write_text(upside_down)
    monkeypatch.chdir(REPO)
    assert lint_imports(config_filename=str(path)) == 1
