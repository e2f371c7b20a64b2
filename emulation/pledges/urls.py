from django.urls import path

from . import views

app_name = "pledges"
urlpatterns = [
    path("years/<int:pk>/registrations/", views.registrations, name="registrations"),
    path("years/<int:pk>/registration/", views.registration_edit, name="registration_edit"),
    path("years/<int:pk>/", views.pledge_detail, name="pledge"),
    path("years/<int:pk>/draft/", views.pledge_draft, name="draft"),
    path("years/<int:pk>/versions/<int:number>/", views.pledge_version, name="version"),
    path("years/<int:pk>/review/", views.pledge_review, name="review"),
    path("years/<int:pk>/finalise/", views.pledge_finalise, name="finalise"),
    path("years/<int:pk>/pdf/", views.pledge_pdf, name="pdf"),
    path("years/<int:pk>/sign/", views.pledge_sign, name="sign"),
    path("years/<int:pk>/signatures/", views.pledge_signatures, name="signatures"),
    path("years/<int:pk>/upload-signed/", views.pledge_upload, name="upload"),
    path("years/<int:pk>/certificate/", views.certificate_import, name="certificate_import"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
