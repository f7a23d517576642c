"""Static checks: ruff's security rules (S, flake8-bandit) run over the whole project in bin/test
(and so in CI), none is switched off for the application code, and every exception names its
reason on the line it excuses (or on the comment line just above)."""

import re
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOQA = re.compile(r"#\s*noqa:\s*(?P<codes>[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)(?P<rest>.*)$")


def python_files():
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] in {".venv", "build", "node_modules"} or "migrations" in parts:
            continue
        yield path


def test_the_security_rules_are_selected_and_none_is_ignored_for_the_application():
    lint = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["ruff"]["lint"]
    assert "S" in lint["select"]
    assert not [code for code in lint.get("ignore", []) if code.startswith("S")]
    for pattern, codes in lint.get("per-file-ignores", {}).items():
        if any(code.startswith("S") for code in codes):
            assert pattern in {"tests/**", "bench/**"}, pattern


def test_every_security_exception_says_why():
    unexplained = []
    for path in python_files():
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            found = NOQA.search(line)
            if not found or not any(c.strip().startswith("S") for c in found["codes"].split(",")):
                continue
            reason = found["rest"].strip(" -–:()")
            above = lines[number - 1].strip() if number else ""
            if not reason and not above.startswith("#"):
                unexplained.append(f"{path.relative_to(ROOT)}:{number + 1}")
    assert unexplained == []


def test_bin_test_runs_ruff_before_the_tests():
    script = (ROOT / "bin" / "test").read_text()
    assert ".venv/bin/ruff check ." in script
    assert ".venv/bin/ruff format --check ." in script
    assert script.index("ruff check") < script.index(".venv/bin/python -m pytest")


def test_ruff_finds_nothing():
    ruff = ROOT / ".venv" / "bin" / "ruff"
    result = subprocess.run(
        [str(ruff), "check", "--select", "S", "--output-format", "concise", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout
