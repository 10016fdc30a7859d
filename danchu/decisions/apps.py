from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "danchu.decisions"
    label = "decisions"
    verbose_name = "Dân bàn và quyết định"

    def ready(self) -> None:
        from danchu.core.sections import UnitSection, register_unit_section
        from danchu.decisions.views import unit_section

        register_unit_section(
            UnitSection(
                key="matters",
                template="decisions/_unit_section.html",
                context=unit_section,
                order=20,
            )
        )
