from django.apps import AppConfig


class SteeringConfig(AppConfig):
    name = "danchu.steering"
    label = "steering"
    verbose_name = "Ban Chỉ đạo — chỉ số, kiểm tra, báo cáo"
