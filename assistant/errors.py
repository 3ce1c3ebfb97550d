"""The base of every error whose message is meant for the user.

Library code raises subclasses with a message a user can act on; the edges (CLI, UI, API) print
the message instead of a traceback.
"""

from __future__ import annotations


class StyrdokError(Exception):
    """An error with a message a user can act on."""
