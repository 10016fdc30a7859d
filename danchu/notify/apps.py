from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "danchu.notify"
    label = "notify"
