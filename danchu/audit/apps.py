from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "danchu.audit"
    label = "audit"
