"""The deterministic demo city 云溪市: `build_demo_city` fills an empty database, `create_demo_users` adds
one login per role."""

from yuanqu.core.demo.generator import DemoSummary, build_demo_city, default_parcels
from yuanqu.core.demo.users import DEMO_PASSWORD, DemoUser, create_demo_users

__all__ = ["DEMO_PASSWORD", "DemoSummary", "DemoUser", "build_demo_city", "create_demo_users", "default_parcels"]
