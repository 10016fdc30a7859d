from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


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
        from danchu.core.personal import PersonalRecords, register_personal_records
        from danchu.petitions import personal

        register_personal_records(
            PersonalRecords(
                key="petitions",
                title=_("Phản ánh, kiến nghị, khiếu nại, tố cáo đã gửi"),
                collect=personal.filed_petitions,
                order=70,
            )
        )
