from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "danchu.consultations"
    label = "consultations"
    verbose_name = "Dân tham gia ý kiến — lấy ý kiến, hương ước"
