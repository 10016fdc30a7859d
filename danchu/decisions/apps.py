from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


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
        from danchu.core.personal import PersonalRecords, register_personal_records
        from danchu.decisions import personal

        register_personal_records(
            PersonalRecords(
                key="household_votes",
                title=_("Biểu quyết của hộ"),
                collect=personal.household_votes,
                order=50,
            )
        )
        register_personal_records(
            PersonalRecords(
                key="candidacies",
                title=_("Ứng cử và nhiệm kỳ"),
                collect=personal.candidacies_and_terms,
                order=55,
            )
        )
