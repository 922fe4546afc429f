from django.urls import path

from . import partner_views as views

urlpatterns = [
    path("", views.organisation_list, name="partner_organisations"),
    path("<int:pk>/", views.volunteers, name="partner_volunteers"),
    path("<int:pk>/volunteers/add/", views.volunteer_edit, name="partner_volunteer_add"),
    path(
        "<int:pk>/volunteers/<int:volunteer_id>/",
        views.volunteer_edit,
        name="partner_volunteer_edit",
    ),
    path(
        "<int:pk>/volunteers/<int:volunteer_id>/<str:action>/",
        views.volunteer_action,
        name="partner_volunteer_action",
    ),
    path("<int:pk>/volunteers.csv", views.volunteers_csv, name="partner_volunteers_csv"),
    path("<int:pk>/import/", views.volunteers_import_view, name="partner_import"),
    path("<int:pk>/tasks/", views.tasks, name="partner_tasks"),
    path("<int:pk>/capacity/", views.capacity, name="partner_capacity"),
    path(
        "<int:pk>/capacity/<int:capacity_id>/delete/",
        views.capacity_delete,
        name="partner_capacity_delete",
    ),
]
