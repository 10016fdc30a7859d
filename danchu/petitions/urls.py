from django.urls import path

from danchu.petitions import views

app_name = "petitions"
urlpatterns = [
    path("<str:code>/petitions/", views.unit_list, name="list"),
    path("<str:code>/petitions/new/", views.file_new, name="file"),
    path("<str:code>/petitions/inbox/", views.inbox, name="inbox"),
    path("<str:code>/petitions/enter/", views.enter, name="enter"),
    path("<str:code>/petitions/overdue/", views.overdue, name="overdue"),
    path("<str:code>/petitions/<int:pk>/", views.detail, name="detail"),
    path("<str:code>/petitions/<int:pk>/accept/", views.accept, name="accept"),
    path("<str:code>/petitions/<int:pk>/verify/", views.verify, name="verify"),
    path("<str:code>/petitions/<int:pk>/refuse/", views.refuse, name="refuse"),
    path("<str:code>/petitions/<int:pk>/forward/", views.forward, name="forward"),
    path("<str:code>/petitions/<int:pk>/extend/", views.extend, name="extend"),
    path("<str:code>/petitions/<int:pk>/complex/", views.mark_complex, name="complex"),
    path("<str:code>/petitions/<int:pk>/answer/", views.answer, name="answer"),
    path("<str:code>/petitions/<int:pk>/withdrawal/", views.record_withdrawal, name="withdrawal"),
    path("<str:code>/reception/", views.reception, name="reception"),
    path("<str:code>/reception/day/", views.set_reception_day, name="reception_day"),
]
