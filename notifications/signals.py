"""Signals other apps connect to, so that this app never imports them.

message_status_changed(sender=Message, message=Message, previous=str): after a status moved
forward. Owners of a message (an offer, a resident notice) act on failed/undelivered.

opt_out_changed(sender=OptOut, phone=str, opted_out=bool): a number opted out (STOP and its
local words, or Twilio's error 21610) or back in (START). Sent inside the transaction that
changed the OptOut row, so a receiver's own update commits or rolls back with it.
"""

from django.dispatch import Signal

message_status_changed = Signal()
opt_out_changed = Signal()
