"""The exceptions verifier raises, one tree per concern."""

from __future__ import annotations

from verifier.catalogue import Lang, Message


class VerifierError(Exception):
    """Base of every error verifier raises on purpose."""


class InvalidChannel(VerifierError, ValueError):
    """The input cannot be read as a channel of the requested (or any) kind.

    ``code`` is a stable dotted identifier (``invalid.too_long``); the message is
    English text a user understands.
    """

    def __init__(self, message: str, code: str = "invalid.unparseable") -> None:
        super().__init__(message)
        self.code = code


class UnknownBrand(VerifierError, ValueError):
    """A brand id or alias that is not in the allowlist.

    ``name`` is the name as given and ``known`` the brand ids the allowlist has, so a
    caller can say it again in another language (the message is English).
    """

    def __init__(self, message: str, name: str, known: tuple[str, ...]) -> None:
        super().__init__(message)
        self.name = name
        self.known = known


class CodedError(VerifierError):
    """An error whose message comes from the catalogue, so it can be said in either language.

    ``code`` names the problem (``bundle.expired``, ``fetch.non_public``) and ``params`` fill
    in its message from ``data/messages.toml`` (``text(lang)``); the exception's own message
    is the English one.
    """

    def __init__(self, code: str, /, **params: object) -> None:
        super().__init__(Message(code, params).text("en"))
        self.code = code
        self.params = params

    @property
    def problem(self) -> Message:
        """The problem as a message to say in any language."""
        return Message(self.code, self.params)

    def text(self, lang: Lang) -> str:
        """The problem in ``lang`` (``en`` or ``zh``)."""
        return self.problem.text(lang)


class FetchError(CodedError):
    """A page or file could not or must not be fetched; ``code`` is one of ``fetch.*``."""


class AllowlistError(CodedError):
    """Base of every problem with the allowlist: its sources, bundle or signatures."""


class SourceError(AllowlistError):
    """An allowlist source file is malformed; ``problems`` lists file:line messages (English,
    for moderators)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("source.invalid", count=len(problems), problems="\n".join(problems))
        self.problems = problems


class BundleFormatError(AllowlistError):
    """The bundle or root file is not well-formed JSON of the expected shape."""


class UnsignedBundleError(AllowlistError):
    """Fewer valid signatures from trusted keys than the threshold requires."""


class TamperedBundleError(UnsignedBundleError):
    """A trusted key's signature does not match the content: it changed after signing."""


class UnknownKeyError(UnsignedBundleError):
    """Signatures are by keys the root does not trust, so the threshold is not met."""


class ExpiredBundleError(AllowlistError):
    """The bundle's ``expires`` time has passed."""


class RollbackError(AllowlistError):
    """The bundle's version is lower than one this client accepted before."""


class RootRotationError(AllowlistError):
    """A new root is not signed by both the old and the new key sets, or skips a version."""
