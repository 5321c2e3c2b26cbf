"""The error and the warning of nounkit's JSON-LD layer."""

from __future__ import annotations

from nounkit.errors import NounkitError

__all__ = ["JsonLdError", "VocabularyWarning"]


class JsonLdError(NounkitError, ValueError):
    """A JSON-LD document nounkit will not process.

    Raised for what is wrong with the document as JSON-LD rather than with the
    entity it describes (that is a ``ValidationError``): a remote ``@context``
    (nounkit never goes on the network), a document too large or too deeply
    nested, JSON-LD syntax pyld rejects, or a document that names no noun.
    ``noun`` and ``id`` say which entity the document was about, when known.
    """

    def __init__(self, message: str, *, noun: str | None = None, id: str | None = None) -> None:
        self.noun = noun
        self.id = id
        self.reason = message
        subject = f"{noun} {id!r}: " if noun and id is not None else f"{noun}: " if noun else ""
        super().__init__(subject + message)


class VocabularyWarning(UserWarning):
    """A Schema.org term used where Schema.org does not expect it.

    Schema.org's ``domainIncludes`` are loose in places, so a property used on
    a class outside its domain (or a superseded term) warns rather than fails;
    ``Registry.load(..., strict_vocab=True)`` or ``strict_vocab: true`` in the
    configuration turns these into DefinitionErrors. The message starts with
    ``file:line:column`` of the offending value.
    """
