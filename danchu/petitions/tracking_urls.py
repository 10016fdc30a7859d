"""The public status page of one petition, at /p/<tracking code>/."""

from django.urls import path

from danchu.petitions import views

app_name = "tracking"
urlpatterns = [
    path("", views.lookup, name="lookup"),
    path("<str:tracking>/", views.status_page, name="status"),
    path("<str:tracking>/filed/", views.receipt, name="receipt"),
    path("<str:tracking>/unlock/", views.unlock, name="unlock"),
    path("<str:tracking>/rate/", views.rate, name="rate"),
    path("<str:tracking>/withdraw/", views.withdraw, name="withdraw"),
    path("<str:tracking>/reopen/", views.reopen, name="reopen"),
    path("<str:tracking>/followup/", views.followup, name="followup"),
    path("<str:tracking>/files/<int:file_id>/", views.petition_file, name="file"),
]
