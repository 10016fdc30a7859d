from django.apps import AppConfig


class SteeringConfig(AppConfig):
    name = "danchu.steering"
    label = "steering"
    verbose_name = "Ban Chỉ đạo — chỉ số, kiểm tra, báo cáo"

    def ready(self) -> None:
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
