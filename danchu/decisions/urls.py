from django.urls import path

from danchu.decisions import views

app_name = "decisions"
urlpatterns = [
    path("<str:code>/matters/", views.overview, name="overview"),
    path("<str:code>/matters/create/", views.create, name="create"),
    path("<str:code>/matters/<int:pk>/", views.matter_detail, name="matter"),
    path("<str:code>/matters/<int:pk>/vote/", views.vote, name="vote"),
    path("<str:code>/matters/<int:pk>/open/", views.open_matter, name="open"),
    path("<str:code>/matters/<int:pk>/agreements/", views.agreement, name="agreement"),
    path("<str:code>/matters/<int:pk>/sessions/", views.start_session, name="start_session"),
    path("<str:code>/matters/<int:pk>/paper/", views.paper_ballot, name="paper"),
    path("<str:code>/matters/<int:pk>/attach/", views.attach, name="attach"),
    path(
        "<str:code>/matters/<int:pk>/attachments/<int:document_id>/",
        views.attachment,
        name="attachment",
    ),
    path("<str:code>/matters/<int:pk>/fallback/", views.fall_back, name="fallback"),
    path("<str:code>/matters/<int:pk>/close/", views.close, name="close"),
    path("<str:code>/matters/<int:pk>/send/", views.send, name="send"),
    path("<str:code>/matters/<int:pk>/receive/", views.receive, name="receive"),
    path("<str:code>/matters/<int:pk>/recognition/", views.recognise, name="recognise"),
    path("<str:code>/matters/<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("<str:code>/matters/<int:pk>/decision.pdf", views.decision_pdf, name="decision_pdf"),
    path("<str:code>/matters/<int:pk>/tally.pdf", views.tally_pdf, name="tally_pdf"),
    path("<str:code>/matters/<int:pk>/candidates.pdf", views.candidates_pdf, name="candidates_pdf"),
    path("<str:code>/matters/<int:pk>/ballots/", views.ballots, name="ballots"),
    path(
        "<str:code>/matters/<int:pk>/ballots.pdf",
        views.ballots_download,
        name="ballots_download",
    ),
    path(
        "<str:code>/sessions/<int:session_id>/invitation.pdf",
        views.invitation_pdf,
        name="invitation_pdf",
    ),
    path("<str:code>/sessions/<int:session_id>/attendance/", views.attendance, name="attendance"),
    path("<str:code>/sessions/<int:session_id>/procedural/", views.procedural, name="procedural"),
    path("<str:code>/sessions/<int:session_id>/details/", views.details, name="details"),
    path("<str:code>/sessions/<int:session_id>/counts/", views.counts, name="counts"),
    path("<str:code>/conferences/", views.conferences, name="conferences"),
    path("<str:code>/conferences/<int:year>/", views.conference, name="conference"),
    path(
        "<str:code>/conferences/<int:year>/plan-sent/",
        views.send_conference_plan,
        name="conference_plan_sent",
    ),
    path(
        "<str:code>/conferences/<int:year>/agreement/",
        views.conference_agreement,
        name="conference_agreement",
    ),
    path(
        "<str:code>/conferences/<int:year>/summons/",
        views.conference_summons,
        name="conference_summons",
    ),
    path("<str:code>/conferences/<int:year>/held/", views.hold_conference, name="conference_held"),
    path(
        "<str:code>/conferences/<int:year>/minutes.pdf",
        views.conference_minutes_pdf,
        name="conference_minutes_pdf",
    ),
    path(
        "<str:code>/conflicts/<int:conflict_id>/review/",
        views.review_conflict,
        name="review_conflict",
    ),
]
