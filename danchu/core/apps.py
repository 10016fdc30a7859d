from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "danchu.core"
    label = "core"
    verbose_name = "danchu"

    def ready(self) -> None:
        from danchu.core import checks  # noqa: F401  (registers system checks)
