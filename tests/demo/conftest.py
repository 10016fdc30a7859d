import pytest

from danchu.demo import seeding


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "slow: loads the full official unit list (3,321 communes); deselect with -m 'not slow'",
    )


@pytest.fixture
def demo(commune):
    """The demo seeded on a unit tree of Việt Nam › Hà Nội › Xã Ứng Hòa."""
    return seeding.seed_demo()
