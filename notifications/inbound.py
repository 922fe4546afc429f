"""Inbound SMS reach the other apps through handlers registered here from their
AppConfig.ready(), so this app never imports upward.

A handler takes the stored inbound Message and returns the reply text (which may be "" for
"handled, say nothing") or None for "not mine". The first handler that returns a string wins.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .models import Message

InboundHandler = Callable[[Message], str | None]


@dataclass(frozen=True, order=True)
class _Registered:
    order: int
    name: str
    handler: InboundHandler


_handlers: list[_Registered] = []


def inbound_handler_register(handler: InboundHandler, *, order: int) -> None:
    """Register `handler`; lower `order` runs first (volunteer replies 10, residents 20)."""
    name = f"{handler.__module__}.{handler.__qualname__}"
    if any(r.name == name for r in _handlers):
        return
    _handlers.append(_Registered(order, name, handler))
    _handlers.sort()


def inbound_handlers() -> list[InboundHandler]:
    return [r.handler for r in _handlers]


def inbound_dispatch(message: Message) -> str | None:
    for handler in inbound_handlers():
        reply = handler(message)
        if reply is not None:
            return reply
    return None
