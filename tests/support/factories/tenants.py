from dataclasses import dataclass


@dataclass(frozen=True)
class MarketplaceSpec:
    preset: str
    name: str
    domain: str
    schema: str

    @property
    def slug(self) -> str:
        return self.schema.replace("_", "-")


# The two marketplaces provisioned once per session (tests/conftest.py).
FIRE = MarketplaceSpec("fire-performers", "Fire Test", "fire-test.localhost", "fire_test")
TALENT = MarketplaceSpec("talent-iq", "Talent Test", "talent-test.localhost", "talent_test")
