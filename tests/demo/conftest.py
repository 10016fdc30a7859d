def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "slow: loads the full official unit list (3,321 communes); deselect with -m 'not slow'",
    )
