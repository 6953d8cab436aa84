from django.urls import path

from . import views

urlpatterns = [
    path("token/", views.TokenObtainPairView.as_view(), name="token_obtain_pair"),
    path("token/refresh/", views.TokenRefreshView.as_view(), name="token_refresh"),
    path("token/verify/", views.TokenVerifyView.as_view(), name="token_verify"),
    path("token/blacklist/", views.TokenBlacklistView.as_view(), name="token_blacklist"),
    path("auth/signup/", views.SignupView.as_view(), name="signup"),
    path("auth/me/", views.MeView.as_view(), name="me"),
    path("auth/me/export/", views.AccountExportView.as_view(), name="me_export"),
    path("auth/password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("auth/logout-all/", views.LogoutEverywhereView.as_view(), name="logout_everywhere"),
    path("auth/api-keys/", views.ApiKeyListView.as_view(), name="api_keys"),
    path("auth/api-keys/<int:key_id>/", views.ApiKeyDetailView.as_view(), name="api_key"),
    path("auth/better-auth/events/", views.BetterAuthEventView.as_view(), name="better_auth_events"),
    path("auth/verify-email/", views.EmailVerifyView.as_view(), name="verify_email"),
    path("auth/verify-email/decline/", views.EmailDeclineView.as_view(), name="verify_email_decline"),
    path("auth/verify-email/resend/", views.EmailVerificationResendView.as_view(), name="verify_email_resend"),
    path("auth/password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("auth/password-reset/confirm/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("auth/email/change/", views.EmailChangeView.as_view(), name="email_change"),
    path("auth/email/change/confirm/", views.EmailChangeConfirmView.as_view(), name="email_change_confirm"),
]
