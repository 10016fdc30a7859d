app_name = "steering"
urlpatterns: list = []
