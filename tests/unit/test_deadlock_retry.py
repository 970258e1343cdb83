"""A payment settled while PostgreSQL picks its transaction as a deadlock's victim is settled on the
next try, instead of showing the shopper an error page (seen once in the CI soak test)."""

import pytest
from django.db import OperationalError

from payments.services import retry_on_deadlock


class PgError(Exception):
    def __init__(self, sqlstate):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def failing(times, sqlstate):
    calls = []

    @retry_on_deadlock
    def settle(number):
        calls.append(number)
        if len(calls) <= times:
            raise OperationalError("deadlock detected") from PgError(sqlstate)
        return f"order {number}"

    return settle, calls


def test_a_deadlock_victim_is_settled_on_the_next_try():
    settle, calls = failing(1, "40P01")
    assert settle("1001") == "order 1001"
    assert calls == ["1001", "1001"]


def test_other_database_errors_and_endless_deadlocks_still_raise():
    settle, calls = failing(1, "08006")  # connection failure: not ours to retry
    with pytest.raises(OperationalError):
        settle("1002")
    assert calls == ["1002"]
    settle, calls = failing(5, "40001")
    with pytest.raises(OperationalError):
        settle("1003")
    assert len(calls) == 3
