"""Background work of matching: thin django_tasks wrappers around the services. Rows live in
the database, so a wave's expiry survives a restart of the worker."""

from django_tasks import task


@task()
def helprequest_match_task(request_id: int) -> str:
    from helpdesk.models import HelpRequest

    from .services import helprequest_match

    request = HelpRequest.objects.filter(pk=request_id).first()
    if request is None:
        return "gone"
    return helprequest_match(request=request)


@task()
def offers_expire_task(request_id: int, wave: int) -> int:
    from .services import offers_expire

    return offers_expire(request_id=request_id, wave=wave)
