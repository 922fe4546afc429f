from django.urls import path

from . import report_views

urlpatterns = [
    path("needs/", report_views.needs, name="report_needs"),
    path("needs/<slug:table>.csv", report_views.needs_csv, name="report_needs_csv"),
]
