# Shared by bin/test and its own tests: where the test suite runs, and the migration check.
# Usage: source bin/_test_env.sh; siex_test_services; siex_migration_check
#
# The tests never run on the application's own database or Redis database: they use
# SIEX_TEST_DATABASE_URL and SIEX_TEST_REDIS_URL. When those are unset, the local services are
# used if they answer: PostgreSQL database siex_test (pytest-django creates and uses
# test_siex_test; siex_test itself is never touched) and Redis database 15. DATABASE_URL and
# REDIS_URL, which name the application's, are not used by the tests (a line says so).

SIEX_TEST_DEFAULT_DATABASE_URL="postgres://postgres@127.0.0.1:5432/siex_test"
SIEX_TEST_DEFAULT_REDIS_URL="redis://127.0.0.1:6379/15"

siex_answers() {
  .venv/bin/python -c "import socket; socket.create_connection(('$1', $2), 2).close()" 2>/dev/null
}

# A URL without its password, for printing.
siex_shown() {
  echo "$1" | sed -E 's#(//[^:/@]*):[^@/]*@#\1:***@#'
}

siex_test_services() {
  local database="${SIEX_TEST_DATABASE_URL:-}" redis="${SIEX_TEST_REDIS_URL:-}"
  if [ -n "${DATABASE_URL:-}" ] && [ "$DATABASE_URL" != "$database" ]; then
    echo "DATABASE_URL is the application's database: the tests use SIEX_TEST_DATABASE_URL instead."
  fi
  if [ -n "${REDIS_URL:-}" ] && [ "$REDIS_URL" != "$redis" ]; then
    echo "REDIS_URL is the application's Redis: the tests use SIEX_TEST_REDIS_URL instead."
  fi
  if [ -z "$database" ] && siex_answers 127.0.0.1 5432; then
    database="$SIEX_TEST_DEFAULT_DATABASE_URL"
  fi
  if [ -z "$redis" ] && siex_answers 127.0.0.1 6379; then
    redis="$SIEX_TEST_DEFAULT_REDIS_URL"
  fi
  unset DATABASE_URL REDIS_URL
  if [ -n "$database" ]; then export DATABASE_URL="$database"; fi
  if [ -n "$redis" ]; then export REDIS_URL="$redis"; fi
}

# No migration is missing. The check compares the models with the migration files and needs no
# database: an in-memory SQLite one, so that it never warns about a database that does not exist.
siex_migration_check() {
  local output
  if ! output=$(DATABASE_URL="sqlite://:memory:" .venv/bin/python manage.py makemigrations \
    --check --dry-run --settings=siex.settings.test 2>&1); then
    echo "$output"
    echo "The migration check failed (above); a missing migration is made with" \
      "python manage.py makemigrations." >&2
    return 1
  fi
}
