"""Roles are Django groups: operator (the municipality's support line), coordinator (bound to
one partner organisation through Organisation.coordinators), admin (analysts and
administrators). Superusers count as every role."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

OPERATOR = "operator"
COORDINATOR = "coordinator"
ADMIN = "admin"
ALL_ROLES = (OPERATOR, COORDINATOR, ADMIN)


def user_roles(user: AbstractBaseUser | AnonymousUser) -> set[str]:
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return set(ALL_ROLES)
    cached = getattr(user, "_samhjalp_roles", None)
    if cached is None:
        cached = set(user.groups.filter(name__in=ALL_ROLES).values_list("name", flat=True))
        user._samhjalp_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def role_required(*roles: str) -> Callable:
    """Allow the view to users holding any of `roles`; others get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def context_processor(request: HttpRequest) -> dict:
    # An error page for a request refused before authentication (a foreign Host header) has
    # no user: it gets no roles, not a second error.
    user = getattr(request, "user", None)
    roles = user_roles(user) if user is not None else set()
    return {
        "is_operator": OPERATOR in roles,
        "is_coordinator": COORDINATOR in roles,
        "is_admin": ADMIN in roles,
    }


# What the admin role may do in Django's admin. Operators and coordinators work in the app's
# own pages, which check roles themselves.
ADMIN_APPS = ("helpdesk", "matching", "notifications")


def role_groups_ensure(**kwargs) -> None:
    """Create the role groups and give admins the project's model permissions. Idempotent;
    runs after every migrate."""
    from django.contrib.auth.models import Group, Permission

    for name in ALL_ROLES:
        Group.objects.get_or_create(name=name)
    admin_group = Group.objects.get(name=ADMIN)
    admin_group.permissions.add(*Permission.objects.filter(content_type__app_label__in=ADMIN_APPS))
