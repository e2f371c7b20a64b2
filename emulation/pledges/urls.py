from django.urls import path

from . import views, views_public, views_trust

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
    path("years/<int:pk>/certificate/external/", views.certificate_register, name="certificate_register"),
    path("trust/", views_trust.trust, name="trust"),
    path("trust/roots/<int:pk>/retire/", views_trust.trust_root_retire, name="trust_root_retire"),
    path("trust/certificates/<int:pk>/confirm/", views_trust.certificate_confirm, name="certificate_confirm"),
    path("verify/<str:code>/", views_public.verify, name="verify"),
    path("verify/<str:code>/check/<str:token>/", views_public.verify_check, name="verify_check"),
    path("crl/<slug:province_code>.crl", views_public.crl, name="crl"),
    path("tsa/<slug:province_code>/", views_public.tsa, name="tsa"),
]
