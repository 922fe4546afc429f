from django.urls import path

from . import address_views, callback_views, map_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("intake/", views.intake, name="intake"),
    path("intake/lookup/", views.lookup, name="resident_lookup"),
    path("intake/addresses/", address_views.address_suggest, name="address_suggest"),
    path("map/districts.geojson", map_views.district_boundaries, name="district_boundaries"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    # Before the actions: "resident" would otherwise read as one.
    path("requests/<int:pk>/resident/", views.request_resident, name="request_resident"),
    path("requests/<int:pk>/<slug:action>/", views.request_action, name="request_action"),
    path("callbacks/", callback_views.queue, name="callbacks"),
    path(
        "callbacks/<int:pk>/<slug:action>/", callback_views.callback_action, name="callback_action"
    ),
]
