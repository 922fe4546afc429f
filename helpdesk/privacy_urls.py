from django.urls import path

from . import privacy_views as views

urlpatterns = [
    path("", views.resident_search, name="privacy_search"),
    path("residents/<int:pk>/", views.resident_data, name="privacy_resident"),
    path("residents/<int:pk>/export.json", views.resident_data_export, name="privacy_export"),
    path("residents/<int:pk>/delete/", views.resident_data_delete, name="privacy_delete"),
    path("log/", views.access_log, name="privacy_log"),
]
