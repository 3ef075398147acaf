"""The low-stock report: what it finds, and beat running it on schedule in a real worker."""

from decimal import Decimal
from uuid import uuid4

import pytest

from chassis_testing import ServiceProcess, eventually

from catalog.application import products, stock
from catalog.infrastructure.unit_of_work import DjangoCatalogUnitOfWork
from catalog.tasks import report_low_stock


def stocked(quantity: int, *, active: bool = True) -> str:
    sku = f"SKU-{uuid4().hex[:6].upper()}"
    command = products.CreateProduct(sku=sku, name="Lamp", price=Decimal("9.99"), currency="EUR")
    product = products.handle_create_product(command, DjangoCatalogUnitOfWork())
    stock.handle_adjust_stock(stock.AdjustStock(product.id, quantity), DjangoCatalogUnitOfWork())
    if not active:
        products.handle_deactivate_product(
            products.DeactivateProduct(product.id), DjangoCatalogUnitOfWork()
        )
    return sku


@pytest.mark.django_db
def test_the_report_names_the_active_products_running_low(settings):
    settings.CATALOG_LOW_STOCK_THRESHOLD = 5
    low, plenty, retired = stocked(2), stocked(50), stocked(1, active=False)

    reported = report_low_stock()

    assert low in reported
    assert plenty not in reported
    assert retired not in reported


@pytest.mark.django_db(transaction=True)
def test_beat_has_the_worker_run_the_report_on_schedule(celery_worker, tmp_path):
    low = stocked(1)

    beat = ServiceProcess(
        [
            "-m",
            "celery",
            "--app",
            "chassis.celery_app",
            "beat",
            "--schedule",
            str(tmp_path / "schedule"),
        ],
        tmp_path / "beat.log",
        env={"CATALOG_LOW_STOCK_REPORT_SECONDS": "1", "HEARTBEAT_DIR": str(tmp_path)},
    )
    try:
        eventually(
            lambda: f"{low} (1 left)" in celery_worker.output(),
            timeout=60,
            message="no report in the worker's log",
        )
    finally:
        beat.stop()
    assert (tmp_path / "beat.alive").exists(), "beat's health check would fail"
