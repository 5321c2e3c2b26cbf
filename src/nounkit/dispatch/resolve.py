"""Finding the noun and action an ``act(...)`` call means."""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from nounkit.errors import AmbiguousAction, UnknownAction
from nounkit.language.spec import ActionDef, NounDef

__all__ = ["resolve_action"]


def resolve_action(
    nouns: Mapping[str, NounDef], action: str, noun: str | None = None
) -> tuple[NounDef, ActionDef]:
    """``"grant"``, ``"ServiceEntitlement.grant"`` or ``("grant", noun="ServiceEntitlement")``.

    A bare verb must be unique across the registry: ``create`` usually is not,
    and the error lists the candidates to choose from.
    """
    if not isinstance(action, str) or not (noun is None or isinstance(noun, str)):
        raise UnknownAction(
            f'an action is named by a string ("verb" or "Noun.verb"), not {action!r}'
            + ("" if noun is None or isinstance(noun, str) else f" with noun={noun!r}")
        )
    if noun is None and "." in action:
        noun, action = action.split(".", 1)
    if noun is not None:
        definition = nouns.get(noun)
        if definition is None:
            close = difflib.get_close_matches(noun, list(nouns), n=1)
            tip = f"; did you mean {close[0]!r}?" if close else ""
            raise UnknownAction(f"no noun named {noun!r}{tip}")
        found = definition.actions.get(action)
        if found is None:
            close = difflib.get_close_matches(action, list(definition.actions), n=1)
            tip = f"did you mean {close[0]!r}? " if close else ""
            raise UnknownAction(
                f"{noun} has no action {action!r}; {tip}its actions: "
                + ", ".join(definition.actions)
            )
        return definition, found
    candidates = [n for n in nouns.values() if action in n.actions]
    if len(candidates) == 1:
        return candidates[0], candidates[0].actions[action]
    if candidates:
        names = ", ".join(f"{n.name}.{action}" for n in candidates)
        raise AmbiguousAction(
            f"{action!r} is an action of {len(candidates)} nouns; name one: {names}"
        )
    verbs = sorted({a for n in nouns.values() for a in n.actions})
    close = difflib.get_close_matches(action, verbs, n=1)
    tip = f"; did you mean {close[0]!r}?" if close else ""
    raise UnknownAction(f"no noun declares an action {action!r}{tip}")
