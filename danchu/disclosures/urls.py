from django.urls import path

from danchu.disclosures import feeds, views

app_name = "disclosures"
urlpatterns = [
    path("<str:code>/notices.atom", feeds.UnitNoticesFeed(), name="feed"),
    path("<str:code>/notices/manage/", views.dashboard, name="dashboard"),
    path("<str:code>/notices/create/", views.create, name="create"),
    path("<str:code>/notices/<int:pk>/", views.notice_detail, name="notice"),
    path("<str:code>/notices/<int:pk>/edit/", views.edit, name="edit"),
    path("<str:code>/notices/<int:pk>/publish/", views.publish, name="publish"),
    path("<str:code>/notices/<int:pk>/attach/", views.attach, name="attach"),
    path("<str:code>/notices/<int:pk>/postings/", views.add_posting, name="add_posting"),
    path("<str:code>/notices/<int:pk>/airings/", views.add_airing, name="add_airing"),
    path("<str:code>/notices/<int:pk>/forwardings/", views.add_forwarding, name="add_forwarding"),
    path("<str:code>/notices/<int:pk>/read/", views.acknowledge, name="acknowledge"),
    path("<str:code>/notices/<int:pk>/print.pdf", views.notice_pdf, name="pdf"),
    path(
        "<str:code>/notices/<int:pk>/loudspeaker/",
        views.notice_loudspeaker,
        name="loudspeaker_page",
    ),
    path(
        "<str:code>/notices/<int:pk>/loudspeaker.txt",
        views.notice_loudspeaker_text,
        name="loudspeaker",
    ),
    path(
        "<str:code>/notices/<int:pk>/files/<int:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
    path("<str:code>/postings/<int:posting_id>/take-down/", views.take_down, name="take_down"),
    path("<str:code>/postings/<int:posting_id>/repost/", views.repost, name="repost"),
    path("<str:code>/forwardings/<int:forwarding_id>/relay/", views.relay, name="relay"),
]
