from django.urls import path

from sheba.accounts import views_profile

# the citizen's dashboard, profile (with address pickers), e-mail verification
urlpatterns = [
    path("dashboard/", views_profile.placeholder, name="dashboard"),
    path("profile/", views_profile.placeholder, name="profile"),
]
