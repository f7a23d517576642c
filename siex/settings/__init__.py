"""Settings package: ``base`` reads the environment; ``dev``, ``test`` and ``production`` only
set defaults."""
