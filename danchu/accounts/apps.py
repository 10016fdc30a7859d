from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "danchu.accounts"
    label = "accounts"

    def ready(self) -> None:
        from danchu.accounts import personal
        from danchu.core.personal import PersonalRecords, register_personal_records

        register_personal_records(
            PersonalRecords(
                key="account", title=_("Tài khoản"), collect=personal.account_record, order=40
            )
        )
        register_personal_records(
            PersonalRecords(
                key="grants", title=_("Vai trò được giao"), collect=personal.grant_records, order=45
            )
        )
