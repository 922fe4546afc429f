"""Every URL the project serves, as routes with their parameters, so the attack tests cover
pages added later without being told about them."""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    route: str  # e.g. "sms/status/<int:message_id>/"
    view: Callable
    name: str

    @property
    def params(self) -> list[tuple[str, str]]:
        return [(m["converter"] or "str", m["name"]) for m in PARAM.finditer(self.route)]

    @property
    def is_signed_webhook(self) -> bool:
        return bool(getattr(self.view, "csrf_exempt", False))

    @property
    def is_public(self) -> bool:
        """Marked @login_not_required (sign-in, password reset, webhooks): no one's data."""
        return getattr(self.view, "login_required", True) is False

    def fill(self, values: dict[str, object]) -> str:
        return "/" + PARAM.sub(lambda m: str(values[m["name"]]), self.route)


def routes(*, include_admin: bool = False) -> list[Route]:
    def walk(patterns, prefix: str) -> Iterator[Route]:
        for entry in patterns:
            text = str(entry.pattern)
            if isinstance(entry, URLResolver):
                if text.startswith("admin/") and not include_admin:
                    continue
                yield from walk(entry.url_patterns, prefix + text)
            elif isinstance(entry, URLPattern):
                route = prefix + text
                if route.startswith("^") or "(?P" in route:
                    continue  # regex routes: only Django's own (admin, static) use them
                yield Route(route, entry.callback, entry.name or "")

    return list(walk(get_resolver().url_patterns, ""))
