"""Reads a local .env file into the environment before any settings module sets defaults.

bin/start writes .env for the embedded default; real environment variables always win over it,
and both win over the defaults of dev.py, test.py and production.py.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
