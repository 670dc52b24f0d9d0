from tests.integration.sync.conftest import server_url, team

__all__ = ["server_url", "team"]
