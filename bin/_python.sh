# Shared by bin/start and bin/test: find Python 3.11/3.12 and install SIEX into .venv.
# Usage: source bin/_python.sh; siex_venv [extra]   (extra: "dev" for the test tools)

siex_python() {
  for candidate in "${PYTHON:-}" python3.11 python3.12 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 12) else 1)'; then
      echo "$candidate"
      return 0
    fi
  done
  echo "SIEX needs Python 3.11 or 3.12 (Django 5.2 LTS); none found. Set PYTHON=/path/to/python3.11." >&2
  return 1
}

siex_venv() {
  local extra="${1:-}" python stamp spec
  if [ ! -x .venv/bin/python ]; then
    python=$(siex_python)
    echo "Creating .venv with $python"
    "$python" -m venv .venv
  fi
  spec="."
  [ -n "$extra" ] && spec=".[$extra]"
  # Reinstall only when the dependencies changed since the last install.
  stamp=".venv/.siex-installed-$extra"
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ requirements/constraints.txt -nt "$stamp" ]; then
    echo "Installing dependencies into .venv (pinned by requirements/constraints.txt)"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check \
      -c requirements/constraints.txt -e "$spec"
    touch "$stamp"
  fi
}
