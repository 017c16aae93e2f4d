from django.urls import path

from sheba.grievances import views

app_name = "grievances"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("new/", views.new, name="new"),
    path("status/", views.status, name="status"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/appeal/", views.appeal, name="appeal"),
    # The grievance officer's desk (officers only).
    path("desk/", views.inbox, name="inbox"),
    path("desk/<uuid:public_id>/", views.officer_complaint, name="officer_complaint"),
    path("desk/<uuid:public_id>/note/", views.officer_note, name="note"),
    path("desk/<uuid:public_id>/decide/", views.officer_decide, name="decide"),
]
