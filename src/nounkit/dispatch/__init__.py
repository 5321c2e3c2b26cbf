"""Running actions and delivering their events."""

from nounkit.dispatch.act import ActResult, Dispatcher, new_id, run_act
from nounkit.dispatch.context import ActionContext, Handler
from nounkit.dispatch.subscribers import SubscriberFailure

__all__ = [
    "ActResult",
    "ActionContext",
    "Dispatcher",
    "Handler",
    "SubscriberFailure",
    "new_id",
    "run_act",
]
