"""Signals other parts listen to, so helpdesk.services need not know who cares."""

from django.dispatch import Signal

# Sent by helprequest_transition inside its transaction, after the change is saved:
# sender=HelpRequest, request=<the saved request>, previous=<the old status>, actor_label=...
helprequest_status_changed = Signal()
