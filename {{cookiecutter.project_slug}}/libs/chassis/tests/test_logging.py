import json
import logging

from chassis.logging import logging_config


def test_log_lines_are_json_with_service_and_correlation_id(capsys):
    from django_guid import set_guid

    logging.config.dictConfig(logging_config(service="sample", level="INFO"))
    set_guid("feedfacefeedfacefeedfacefeedface")
    try:
        logging.getLogger("sample.orders").info("Order %s placed", "o-1")
    finally:
        set_guid(None)

    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["message"] == "Order o-1 placed"
    assert line["level"] == "INFO"
    assert line["logger"] == "sample.orders"
    assert line["service"] == "sample"
    assert line["correlation_id"] == "feedfacefeedfacefeedfacefeedface"
    assert "time" in line
