from django.urls import path

from plain_service.api import views

urlpatterns = [
    path("items/", views.ItemListView.as_view(), name="item-list"),
    path("items/<uuid:item_id>/", views.ItemDetailView.as_view(), name="item-detail"),
]
