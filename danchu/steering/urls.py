from django.urls import path

from danchu.steering import views

app_name = "steering"
urlpatterns = [
    path("<str:code>/steering/", views.dashboard, name="dashboard"),
    path("<str:code>/steering/hot-spots/", views.hot_spots, name="hot_spots"),
    path(
        "<str:code>/steering/records/<slug:component>/",
        views.indicator_records,
        name="records",
    ),
    path("<str:code>/steering/committee/", views.committee, name="committee"),
    path(
        "<str:code>/steering/committee/create/",
        views.create_committee,
        name="create_committee",
    ),
    path(
        "<str:code>/steering/committee/members/create/",
        views.add_member,
        name="add_member",
    ),
    path("<str:code>/steering/plans/create/", views.create_plan, name="create_plan"),
    path("<str:code>/steering/plans/<int:pk>/", views.plan_detail, name="plan"),
    path(
        "<str:code>/steering/plans/<int:pk>/teams/create/",
        views.add_team,
        name="add_team",
    ),
    path(
        "<str:code>/steering/plans/<int:pk>/visits/create/",
        views.schedule_visit,
        name="schedule_visit",
    ),
    path("<str:code>/steering/visits/<int:pk>/", views.visit_detail, name="visit"),
    path("<str:code>/steering/visits/<int:pk>/record/", views.record_visit, name="record_visit"),
    path("<str:code>/steering/visits/<int:pk>/findings/", views.add_finding, name="add_finding"),
    path(
        "<str:code>/steering/visits/<int:pk>/findings/<int:finding_id>/recommendations/",
        views.add_recommendation,
        name="add_recommendation",
    ),
    path(
        "<str:code>/steering/visits/<int:pk>/recommendations/<int:rec_id>/close/",
        views.close_recommendation,
        name="close_recommendation",
    ),
    path("<str:code>/steering/findings/", views.unit_findings, name="findings"),
    path(
        "<str:code>/steering/recommendations/<int:rec_id>/respond/",
        views.respond,
        name="respond",
    ),
    path("<str:code>/steering/reports/", views.request_report, name="request_report"),
    path("<str:code>/steering/reports/<int:pk>/", views.report_detail, name="report"),
    path(
        "<str:code>/steering/reports/<int:pk>/<str:kind>/",
        views.report_file,
        name="report_file",
    ),
]
