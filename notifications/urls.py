from django.urls import path

from . import simulator, views

app_name = "notifications"

urlpatterns = [
    path("inbound/", views.inbound, name="inbound"),
    path("status/<int:message_id>/", views.status, name="status"),
    path("simulator/", simulator.simulator, name="simulator"),
    path("simulator/thread/", simulator.simulator_thread, name="simulator_thread"),
    path("simulator/send/", simulator.simulator_send, name="simulator_send"),
]
