app_name = "yearend"
urlpatterns = []
