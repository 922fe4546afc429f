from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from config.roles import ADMIN, COORDINATOR, OPERATOR, role_required

from .board import board_requests
from .models import HelpRequest


@role_required(OPERATOR, COORDINATOR, ADMIN)
def home(request: HttpRequest) -> HttpResponse:
    counts = dict(
        board_requests(request.user)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id", distinct=True))
    )
    columns = [
        {"status": status, "label": label, "count": counts.get(status, 0)}
        for status, label in HelpRequest.Status.choices
    ]
    return render(request, "helpdesk/home.html", {"columns": columns})
