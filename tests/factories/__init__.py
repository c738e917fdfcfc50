"""factory-boy factories, one module per app; import them from here."""

from tests.factories.accounts import *  # noqa: F403
from tests.factories.archive import *  # noqa: F403
from tests.factories.assessments import *  # noqa: F403
from tests.factories.lessons import *  # noqa: F403
