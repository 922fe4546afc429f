"""Signals other apps connect to, so that this app never imports them.

message_status_changed(sender=Message, message=Message, previous=str): after a status moved
forward. Owners of a message (an offer, a resident notice) act on failed/undelivered.
"""

from django.dispatch import Signal

message_status_changed = Signal()
opt_out_changed = Signal()
