from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "danchu.consultations"
    label = "consultations"
    verbose_name = "Dân tham gia ý kiến — lấy ý kiến, hương ước"

    def ready(self) -> None:
        from danchu.consultations.views import unit_section
        from danchu.core.sections import UnitSection, register_unit_section

        register_unit_section(
            UnitSection(
                key="consultations",
                template="consultations/_unit_section.html",
                context=unit_section,
                order=30,
            )
        )
