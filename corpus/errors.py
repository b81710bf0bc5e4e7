"""The project's own errors: every message says what went wrong and what to do next.

Entry points (CLI, web app, evals) catch `RegQAError` and show its message; nothing else
should reach a user as a traceback.
"""


class RegQAError(Exception):
    """Base of every error the project raises on purpose."""


class CorpusError(RegQAError):
    """A regulation file or corpus folder cannot be used (names the file and line)."""


class IndexError_(RegQAError):
    """An index folder is missing, stale, corrupted or built for another corpus/model."""


class InputError(RegQAError):
    """A question, reference or pasted text the user gave cannot be handled."""
