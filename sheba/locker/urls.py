from django.urls import path

from sheba.locker import views

app_name = "locker"
urlpatterns = [
    path("", views.locker_list, name="list"),
    path("upload/", views.document_upload, name="upload"),
    path("<uuid:document_id>/", views.document_detail, name="detail"),
    path("<uuid:document_id>/replace/", views.document_replace, name="replace"),
    path("<uuid:document_id>/delete/", views.document_delete, name="delete"),
    path("files/<uuid:version_id>/download/", views.version_download, name="download"),
]
