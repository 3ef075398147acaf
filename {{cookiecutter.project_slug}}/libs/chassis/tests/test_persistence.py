import pytest
from django.contrib.auth.models import Group

from chassis.persistence import DjangoUnitOfWork
from chassis_testing.fakes import InMemoryUnitOfWork


class Repository:
    def __init__(self) -> None:
        self.rows: dict[str, str] = {}


class SampleUnitOfWork(InMemoryUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.things = Repository()


def test_in_memory_rolls_back_a_block_that_raises_and_drops_its_callbacks():
    uow = SampleUnitOfWork()
    called = []
    with uow:
        uow.things.rows["kept"] = "yes"

    def fail_half_way():
        with uow:
            uow.things.rows["lost"] = "no"
            uow.on_commit(lambda: called.append("never"))
            raise RuntimeError

    with pytest.raises(RuntimeError):
        fail_half_way()

    assert uow.things.rows == {"kept": "yes"}
    assert called == []


def test_in_memory_runs_callbacks_after_the_outermost_block():
    uow = SampleUnitOfWork()
    called = []
    with uow:
        with uow:
            uow.on_commit(lambda: called.append("done"))
        assert called == []

    assert called == ["done"]


@pytest.mark.django_db(transaction=True)
def test_django_commits_together_or_not_at_all():
    called = []

    def fail_half_way():
        with DjangoUnitOfWork() as uow:
            Group.objects.create(name="lost")
            uow.on_commit(lambda: called.append("never"))
            raise RuntimeError

    with pytest.raises(RuntimeError):
        fail_half_way()
    with DjangoUnitOfWork() as uow:
        Group.objects.create(name="kept")
        uow.on_commit(lambda: called.append("committed"))

    assert list(Group.objects.values_list("name", flat=True)) == ["kept"]
    assert called == ["committed"]
