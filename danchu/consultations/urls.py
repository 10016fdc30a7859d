from django.urls import path

from danchu.consultations import views, workflow

app_name = "consultations"
urlpatterns = [
    path("<str:code>/consultations/create/", views.create, name="create"),
    path("<str:code>/convention/", views.convention_detail, name="convention"),
    path("<str:code>/convention/manage/", workflow.convention_manage, name="convention_manage"),
    path(
        "<str:code>/convention/steps/<slug:step>/", workflow.convention_step, name="convention_step"
    ),
    path("<str:code>/dialogue/", workflow.dialogue_page, name="dialogue"),
    path("<str:code>/dialogue/request/", workflow.dialogue_request, name="dialogue_request"),
    path("<str:code>/dialogue/steps/<slug:step>/", workflow.dialogue_step, name="dialogue_step"),
    path("<str:code>/consultations/<int:pk>/", views.consultation_detail, name="detail"),
    path("<str:code>/consultations/<int:pk>/comment/", views.comment, name="comment"),
    path(
        "<str:code>/consultations/<int:pk>/comments/",
        views.section_opinions,
        name="section_opinions",
    ),
    path("<str:code>/consultations/<int:pk>/open/", views.open_consultation, name="open"),
    path("<str:code>/consultations/<int:pk>/synthesis/", views.synthesis, name="synthesis"),
    path("<str:code>/consultations/<int:pk>/synthesis.pdf", views.synthesis_pdf, name="pdf"),
    path("<str:code>/consultations/<int:pk>/opinions/", views.enter_opinion, name="enter"),
    path(
        "<str:code>/consultations/<int:pk>/opinions/<int:opinion_id>/moderate/",
        views.moderate,
        name="moderate",
    ),
    path("<str:code>/consultations/<int:pk>/groups/", views.group_opinions, name="group"),
    path(
        "<str:code>/consultations/<int:pk>/groups/<int:group_id>/",
        views.synthesis_group,
        name="synthesis_group",
    ),
    path(
        "<str:code>/consultations/<int:pk>/groups/<int:group_id>/answer/",
        views.answer,
        name="answer",
    ),
    path("<str:code>/consultations/<int:pk>/publish/", views.publish, name="publish"),
    path("<str:code>/consultations/<int:pk>/household/", views.household, name="household"),
    path(
        "<str:code>/consultations/<int:pk>/household/comment/",
        views.household_comment,
        name="household_comment",
    ),
    path(
        "<str:code>/consultations/<int:pk>/household/leave/",
        views.household_leave,
        name="household_leave",
    ),
    path("<str:code>/consultations/<int:pk>/attach/", views.attach, name="attach"),
    path(
        "<str:code>/consultations/<int:pk>/documents/<int:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
    path("<str:code>/consultations/<int:pk>/codes/", views.issue_codes, name="issue_codes"),
    path("<str:code>/consultations/<int:pk>/codes.pdf", views.codes_pdf, name="codes_pdf"),
]
