"""The error and the warning of nounkit's JSON-LD layer."""

from __future__ import annotations

from nounkit.errors import NounkitError
from nounkit.language.vocab import VocabularyWarning  # the check belongs to loading nouns

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
