"""Which to-many relationships are derived from their inverse to-one, never stored."""

from __future__ import annotations

from collections.abc import Mapping

from nounkit.language.spec import NounDef

__all__ = ["Derived", "derived_relationships"]

# A to-many relationship read from its inverse: (the noun holding the to-one, its name).
Derived = tuple[str, str]


def derived_relationships(nouns: Mapping[str, NounDef]) -> dict[str, dict[str, Derived]]:
    """To-many relationships whose inverse is a to-one: read from it, never stored twice.

    By noun, then by the to-many's name: the noun and name of the to-one it is read from.
    """
    derived: dict[str, dict[str, Derived]] = {}
    for noun in nouns.values():
        for rel in noun.relationships.values():
            if rel.many or rel.target not in nouns:
                continue
            target = nouns[rel.target]
            inverse = target.relationships.get(rel.backref) if rel.backref else None
            if inverse is None:  # the pairing may be declared on the to-many side only
                inverse = next(
                    (
                        r
                        for r in target.relationships.values()
                        if r.many and r.target == noun.name and r.backref == rel.name
                    ),
                    None,
                )
            if inverse is not None and inverse.many and inverse.target == noun.name:
                derived.setdefault(target.name, {})[inverse.name] = (noun.name, rel.name)
    return derived
