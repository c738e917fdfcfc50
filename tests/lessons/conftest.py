"""Units for the standard cast: `unit` is alice's, published and given to her class (where sam
is enrolled); `other_unit` is bob's, given to his class (olga's). Either could leak to the other.
"""

import pytest

from tests.factories import LessonFactory, PublishedUnitFactory


@pytest.fixture
def unit(teacher, classroom):
    return PublishedUnitFactory(
        owner=teacher, classrooms=[classroom], title="Self-determination or Soviet power?"
    )


@pytest.fixture
def lesson(unit):
    return LessonFactory(unit=unit, position=0, title="1917: the promise of freedom")


@pytest.fixture
def other_unit(other_teacher, other_classroom):
    return PublishedUnitFactory(
        owner=other_teacher, classrooms=[other_classroom], title="Who made October?"
    )


@pytest.fixture
def other_lesson(other_unit):
    return LessonFactory(unit=other_unit, position=0, title="Peace or revolutionary war?")
