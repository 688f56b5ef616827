"""The one base class of trigq's user-facing errors: the CLI prints them without a traceback."""


class TrigqError(Exception):
    """An error caused by the user's input (file, config, model); its message says what is wrong."""
