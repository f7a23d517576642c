# Shared by bin/backup and bin/restore: the application's PostgreSQL database from DATABASE_URL.
# Usage: source bin/_database.sh; url=$(siex_database_url); siex_database_name "$url"

# DATABASE_URL from the environment, else from .env (as the settings read it), as a libpq URL
# (postgresql://...). Anything but PostgreSQL is refused: the embedded default's SQLite file is
# backed up by copying var/siex.sqlite3 while SIEX is stopped.
siex_database_url() {
  local url="${DATABASE_URL:-}"
  if [ -z "$url" ] && [ -f .env ]; then
    url=$(sed -n -E 's/^[[:space:]]*DATABASE_URL[[:space:]]*=[[:space:]]*//p' .env | tail -n 1)
    url="${url%\"}"; url="${url#\"}"; url="${url%\'}"; url="${url#\'}"
  fi
  case "$url" in
    postgres://* | postgresql://* | pgsql://* | psql://* | postgis://*)
      echo "postgresql://${url#*://}" ;;
    "")
      echo "DATABASE_URL is not set (nor in .env): it names the PostgreSQL database." >&2
      return 1 ;;
    *)
      echo "DATABASE_URL is not a PostgreSQL database; the embedded default's SQLite file" \
        "(var/siex.sqlite3) is backed up by copying it while SIEX is stopped." >&2
      return 1 ;;
  esac
}

# The database name of a URL (the path without its query string).
siex_database_name() {
  local rest="${1#*://}"
  rest="${rest#*/}"
  [ "$rest" != "${1#*://}" ] || rest=""
  echo "${rest%%\?*}"
}

# The same URL naming another database on the same server, with the same user and options.
siex_database_url_for() {
  local url="$1" name="$2" base query=""
  base="${url%%\?*}"
  [ "$base" != "$url" ] && query="?${url#*\?}"
  local authority="${base#*://}"
  authority="${authority%%/*}"
  echo "postgresql://${authority}/${name}${query}"
}

# A URL without its password, for printing.
siex_database_shown() {
  echo "$1" | sed -E 's#(//[^:/@]*):[^@/]*@#\1:***@#'
}
