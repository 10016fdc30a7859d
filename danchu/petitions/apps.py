from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    name = "danchu.petitions"
    label = "petitions"
    verbose_name = "Dân kiểm tra — phản ánh, kiến nghị, khiếu nại, tố cáo"

    def ready(self) -> None:
        from danchu.core.sections import UnitSection, register_unit_section
        from danchu.petitions.views import unit_section

        register_unit_section(
            UnitSection(
                key="petitions",
                template="petitions/_unit_section.html",
                context=unit_section,
                order=40,
            )
        )
