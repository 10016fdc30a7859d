from django.urls import path

from danchu.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.me, name="me"),
    path("login/", views.login_view, name="login"),
    path("verify/", views.verify, name="verify"),
    path("2fa/", views.setup_2fa, name="setup_2fa"),
    path("logout/", views.logout_view, name="logout"),
]
