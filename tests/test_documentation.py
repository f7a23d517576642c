"""Every environment variable the application reads is documented in the README."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATTERN = re.compile(
    r"""(?:env(?:\.\w+)?\(|environ(?:\.setdefault)?[\[(])\s*["']([A-Z][A-Z0-9_]+)["']"""
)


def variables_read(paths):
    found = set()
    for path in paths:
        found.update(PATTERN.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_setting_read_from_the_environment_is_in_the_readme():
    sources = [*(ROOT / "siex" / "settings").glob("*.py"), ROOT / "docker-compose.yml"]
    scripts = [
        *(
            ROOT / "bin" / name
            for name in (
                "start",
                "test",
                "_python.sh",
                "_test_env.sh",
                "backup",
                "restore",
                "_database.sh",
            )
        ),
        ROOT / "bin" / "docker-init",
        ROOT / ".ci" / "run",
    ]
    sources += scripts
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = variables_read(sources)
    names |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)", (ROOT / "docker-compose.yml").read_text()))
    names |= set(
        re.findall(
            r"\$\{([A-Z][A-Z0-9_]+):?-",
            "".join(path.read_text(encoding="utf-8") for path in scripts),
        )
    )
    assert "SIEX_PSEUDONYM_KEY" in names  # the pattern finds what it should
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert not missing, f"Not documented in README.md: {missing}"
