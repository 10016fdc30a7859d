from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "danchu.workdays"
    label = "workdays"
