from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.roles import OPERATOR, role_required
from matching.language_names import language_name

from . import callbacks
from .forms import ConvertForm, OutcomeForm, RescheduleForm
from .models import Callback


@role_required(OPERATOR)
def queue(request: HttpRequest) -> HttpResponse:
    queue = list(callbacks.callback_queue()[:200])
    for callback in queue:
        # In words and in the operator's language: the one to greet the caller in.
        callback.language_label = language_name(callback.request.language)
    context = {
        "callbacks": queue,
        "now": timezone.now(),
        "outcome_form": OutcomeForm(),
        "reschedule_form": RescheduleForm(),
        "convert_form": ConvertForm(),
    }
    return render(request, "helpdesk/callbacks.html", context)


@require_POST
@role_required(OPERATOR)
def callback_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    callback = get_object_or_404(Callback.objects.select_related("request"), pk=pk)
    user = request.user
    # The cards around this one, in the queue's order: where the page goes back to when the
    # card itself leaves the queue (a call logged, a call turned into a request).
    queue = list(callbacks.callback_queue().values_list("pk", flat=True))
    try:
        if action == "claim":
            if not callbacks.callback_claim(callback=callback, user=user):
                messages.error(request, _("Another operator has already taken this call."))
        elif action == "complete":
            form = OutcomeForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Write the outcome of the call."))
            else:
                callbacks.callback_complete(
                    callback=callback, user=user, outcome=form.cleaned_data["outcome"]
                )
                messages.success(request, _("Callback logged."))
        elif action == "reschedule":
            form = RescheduleForm(request.POST)
            if not form.is_valid():
                past = form.has_error("due_at", "past")
                messages.error(
                    request,
                    form.errors["due_at"][0] if past else _("Choose a new time."),
                )
            else:
                callbacks.callback_reschedule(callback=callback, user=user, **form.cleaned_data)
                messages.success(request, _("Callback rescheduled."))
        elif action == "convert":
            form = ConvertForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Choose the kind of help and describe the task."))
            else:
                created = callbacks.callback_convert(
                    callback=callback, user=user, **form.cleaned_data
                )
                return redirect("request_detail", pk=created.pk)
        else:
            messages.error(request, _("That action is not available."))
    except PermissionError as error:
        messages.error(request, str(error))
    except ValidationError as error:
        messages.error(request, error.messages[0])
    # Back at the card, not at the top of a long queue (a done card's place is its neighbours').
    return redirect(reverse("callbacks") + f"#{callback_anchor(callback.pk, queue)}")


def callback_anchor(pk: int, queue_before: list[int]) -> str:
    """The card to come back to: this one if it is still queued, else the one that followed
    it (or preceded it, at the end), else the queue's heading."""
    queued = set(callbacks.callback_queue().values_list("pk", flat=True))
    if pk in queued:
        return f"callback-{pk}"
    place = queue_before.index(pk) if pk in queue_before else len(queue_before)
    for neighbour in [*queue_before[place + 1 :], *reversed(queue_before[:place])]:
        if neighbour in queued:
            return f"callback-{neighbour}"
    return "callbacks"
