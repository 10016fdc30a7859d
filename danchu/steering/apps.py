from django.apps import AppConfig


class SteeringConfig(AppConfig):
    name = "danchu.steering"
    label = "steering"
    verbose_name = "Ban Chỉ đạo — chỉ số, kiểm tra, báo cáo"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        # The summary's change triggers must survive any later migration (see summary.py).
        post_migrate.connect(_ensure_triggers, sender=self)

        from danchu.core.sections import UnitSection, register_unit_section
        from danchu.steering.sections import unit_section

        register_unit_section(
            UnitSection(
                key="steering",
                template="steering/_unit_section.html",
                context=unit_section,
                order=90,
            )
        )


def _ensure_triggers(using="default", **_kwargs) -> None:
    from danchu.steering.summary import ensure_triggers

    ensure_triggers(using)
