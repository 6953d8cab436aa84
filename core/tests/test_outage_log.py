"""An outage is logged at once, then at most once per interval, counting what was not logged."""

import logging
import time

from core.outages import OutageLog


def test_the_first_failure_is_logged_and_the_next_ones_within_the_interval_are_counted(caplog):
    log = OutageLog("database", interval=0.2)
    caplog.set_level(logging.WARNING, logger="core.outages")

    for _ in range(5):
        log.failed(ConnectionRefusedError("Connection refused"))
    time.sleep(0.25)
    log.failed(ConnectionRefusedError("Connection refused"))

    assert [record.getMessage() for record in caplog.records] == [
        "database unavailable: ConnectionRefusedError: Connection refused"
    ] * 2
    assert [record.failures_not_logged for record in caplog.records] == [0, 4]
    assert {record.event for record in caplog.records} == {"database_unavailable"}
