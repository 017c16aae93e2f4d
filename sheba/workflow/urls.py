from django.urls import path

from sheba.workflow import views

app_name = "workflow"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("dashboard/", views.dashboard_index, name="dashboard_index"),
    path("dashboard/<uuid:office_id>/", views.dashboard, name="dashboard"),
    path("<uuid:public_id>/", views.file_detail, name="file"),
    path("<uuid:public_id>/act/", views.file_act, name="act"),
    path("<uuid:public_id>/claim/", views.file_claim, name="claim"),
    path("<uuid:public_id>/message/", views.file_message, name="message"),
    path("<uuid:public_id>/documents/<uuid:version_id>/", views.file_document, name="document"),
    # The applicant's side of the same file (citizens only).
    path("citizen/<uuid:public_id>/", views.citizen_file, name="citizen_file"),
]
