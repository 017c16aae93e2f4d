from django.urls import path

from sheba.accounts import views_profile

# the citizen's dashboard, profile (with address pickers), e-mail verification
urlpatterns = [
    path("dashboard/", views_profile.dashboard, name="dashboard"),
    path("profile/", views_profile.profile_view, name="profile"),
    path("profile/edit/", views_profile.profile_edit, name="profile_edit"),
    path("profile/address-options/", views_profile.address_options, name="address_options"),
    path("profile/email/resend/", views_profile.email_resend, name="email_resend"),
    path("email/confirm/<str:token>/", views_profile.email_verify, name="email_verify"),
]
