from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "danchu.consultations"
    label = "consultations"
    verbose_name = "Dân tham gia ý kiến — lấy ý kiến, hương ước"

    def ready(self) -> None:
        from danchu.consultations import conventions
        from danchu.consultations.views import unit_section
        from danchu.core.sections import UnitSection, register_unit_section
        from danchu.decisions import services as decisions

        # A convention is adopted through an item-3 matter (NĐ 61 Art 10): closing its count
        # moves the convention on, and its recognition goes through the dossier (R14–R15).
        decisions.matter_closed.connect(
            conventions.on_matter_closed, dispatch_uid="conventions.on_matter_closed"
        )
        decisions.register_recognition_route(conventions.recognition_route)

        register_unit_section(
            UnitSection(
                key="consultations",
                template="consultations/_unit_section.html",
                context=unit_section,
                order=30,
            )
        )
        from danchu.consultations import personal
        from danchu.core.personal import PersonalRecords, register_personal_records

        register_personal_records(
            PersonalRecords(
                key="opinions", title=_("Ý kiến đã góp"), collect=personal.given_opinions, order=60
            )
        )
