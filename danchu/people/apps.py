from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "danchu.people"
    label = "people"

    def ready(self) -> None:
        from danchu.core.personal import PersonalRecords, register_personal_records
        from danchu.people import personal

        for key, title, collect, order in (
            ("person", _("Thông tin cá nhân"), personal.person_record, 10),
            ("household", _("Hộ gia đình"), personal.household_record, 20),
            ("memberships", _("Nơi làm việc"), personal.membership_records, 30),
        ):
            register_personal_records(
                PersonalRecords(key=key, title=title, collect=collect, order=order)
            )
