"""The Dutch interface writes numbers and dates the Dutch way (see ``siex.formats``)."""

from siex.formats.notation import *  # noqa: F403
