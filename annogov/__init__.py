"""annogov's interfaces: the `annogov` command, persistence and helpers the app shares."""

__version__ = "0.1.0"
