"""The `annogov` command line: `main` (the entry point) and `build_parser`; one module per sub-command."""

from annogov.cli.main import EXIT_FAILED, EXIT_OK, EXIT_USAGE, build_parser, main

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]
