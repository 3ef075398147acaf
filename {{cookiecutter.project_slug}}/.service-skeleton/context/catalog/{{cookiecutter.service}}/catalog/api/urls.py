from django.urls import path

from catalog.api import views

urlpatterns = [
    path("products/", views.ProductListView.as_view(), name="product-list"),
    path("products/<uuid:product_id>/", views.ProductDetailView.as_view(), name="product-detail"),
    path(
        "products/<uuid:product_id>/deactivate/",
        views.DeactivateProductView.as_view(),
        name="product-deactivate",
    ),
    path(
        "products/<uuid:product_id>/activate/",
        views.ActivateProductView.as_view(),
        name="product-activate",
    ),
    path(
        "products/<uuid:product_id>/stock-adjustments/",
        views.StockAdjustmentView.as_view(),
        name="product-stock-adjustment",
    ),
]
