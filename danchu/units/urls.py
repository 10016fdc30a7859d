from django.urls import path

from danchu.units import views

app_name = "units"
urlpatterns = [
    path("", views.search, name="search"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/manage/", views.manage, name="manage"),
    path("<str:code>/villages/create/", views.create_village, name="create_village"),
    path("<str:code>/rename/", views.rename, name="rename"),
    path("<str:code>/merge/", views.merge, name="merge"),
]
