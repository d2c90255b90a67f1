"""What can go wrong while following CT logs, as one small tree under WatchError."""

from __future__ import annotations

from verifier.errors import VerifierError


class WatchError(VerifierError):
    """Anything that stops a log from being followed."""


class LogListError(WatchError):
    """The log list could not be read or is not a v3 log list."""


class LogFormatError(WatchError):
    """A log answered with something that is not what its API defines."""


class BadTreeHeadSignature(WatchError):
    """A signed tree head or checkpoint does not verify with the log's key from the list."""


class TreeShrank(WatchError):
    """A log reported a tree smaller than one it had already shown (or than our position)."""


class LogUnavailable(WatchError):
    """A log did not answer usefully after every retry (gone, retired, refusing, too slow)."""


class StateLocked(WatchError):
    """Another watcher holds the state directory."""
