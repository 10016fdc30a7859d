from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    name = "danchu.disclosures"
    label = "disclosures"
    verbose_name = "Dân biết — công khai thông tin"

    def ready(self) -> None:
        from danchu.core.sections import UnitSection, register_unit_section
        from danchu.disclosures.views import unit_section

        register_unit_section(
            UnitSection(
                key="notices",
                template="disclosures/_unit_section.html",
                context=unit_section,
                order=10,
            )
        )
