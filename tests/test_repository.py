"""The repository keeps its promises: two quick-start commands, CI runs the README's, lint clean."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section, flags=re.S)


def test_the_quick_start_has_exactly_two_commands_run_and_test() -> None:
    run, test = quick_start_commands()
    assert run.endswith("streamlit run app.py") and "\n" not in run
    assert test.endswith("pytest") and "\n" not in test


def test_ci_runs_the_readme_test_command_word_for_word() -> None:
    _, test = quick_start_commands()
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert test in ci_lines


def test_the_code_is_lint_clean() -> None:
    checked = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", str(ROOT)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_layering_contracts_hold() -> None:
    """import-linter checks the contracts in pyproject.toml (layers, Streamlit-free core, sandbox apart)."""
    checked = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "0 broken" in checked.stdout
