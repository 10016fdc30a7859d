from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "danchu.people"
    label = "people"
