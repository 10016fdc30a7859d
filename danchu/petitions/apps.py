from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    name = "danchu.petitions"
    label = "petitions"
    verbose_name = "Dân kiểm tra — phản ánh, kiến nghị, khiếu nại, tố cáo"
