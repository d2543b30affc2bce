"""Errors that end a command with one clear line instead of a traceback."""


class UserError(Exception):
    """Something the person can fix: the message is printed as one line, exit status 2."""

    exit_code = 2
