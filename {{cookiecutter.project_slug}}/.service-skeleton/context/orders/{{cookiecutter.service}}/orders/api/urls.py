from django.urls import path

from orders.api import views

urlpatterns = [
    path("orders/", views.OrderListView.as_view(), name="order-list"),
    path("orders/<uuid:order_id>/", views.OrderDetailView.as_view(), name="order-detail"),
    path("orders/<uuid:order_id>/cancel/", views.CancelOrderView.as_view(), name="order-cancel"),
]
