"""The voice menu's webhooks. Twilio is configured with PUBLIC_BASE_URL + /voice/inbound/;
the later steps' addresses are built by the views themselves."""

from django.urls import path

from . import voice

app_name = "voice"

urlpatterns = [
    path("inbound/", voice.voice_inbound, name="inbound"),
    path("language/", voice.voice_language, name="language"),
    path("need/", voice.voice_need, name="need"),
]
