from django.urls import path

from danchu.people import views

app_name = "people"
urlpatterns = [
    path("<str:code>/households/", views.roll, name="roll"),
    path("<str:code>/households/import/", views.import_file, name="import"),
    path("<str:code>/households.xlsx", views.export_xlsx, name="export"),
    path("<str:code>/data-requests/", views.data_requests, name="data_requests"),
    path(
        "<str:code>/data-requests/<int:pk>/answer/",
        views.answer_data_request,
        name="answer_data_request",
    ),
]
