"""Placeholder: replaced by the reuse work."""

app_name = "api"
urlpatterns = []
