"""Who visits the demo shop, when, with what, and what they came to do — from one seed.

Why a plan separate from the browser: the story of the demo (users, days, the release,
who converts, who gets stuck) must be reproducible from the seed and checkable without
running a browser; the browser only acts it out. Numbers are chosen so the tutorial's
story shows: about 30 % of sessions convert before the release of day 5, clearly fewer
after it, because release 2.5.0 breaks checkout for postal codes with a space.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime

DAY_MS = 86_400_000
PERIOD_START_MS = int(datetime(2026, 11, 16, tzinfo=UTC).timestamp() * 1000)
PERIOD_DAYS = 7
RELEASE_BEFORE = "2.4.3"
RELEASE_AFTER = "2.5.0"
RELEASE_AT_MS = PERIOD_START_MS + 4 * DAY_MS + 9 * 3_600_000  # day 5, 09:00 UTC
ASHLEY_ID = "ashley.parker@example.co.uk"
ASHLEY_STUCK_AT_MS = PERIOD_START_MS + 4 * DAY_MS + 14 * 3_600_000 + 2 * 60_000 + 11_250
ASHLEY_EARLIER_AT_MS = PERIOD_START_MS + 1 * DAY_MS + 19 * 3_600_000 + 41 * 60_000

PERSONAS = ("bounce", "browse", "search", "abandon", "buy")
PERSONA_WEIGHTS = (0.20, 0.24, 0.12, 0.10, 0.34)
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 8, 9, 9, 8, 8, 8, 9, 11, 12, 12, 10, 6, 3)


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    share: float
    cities: tuple[tuple[str, str, str], ...]  # city, street, postal code (canonical form)
    space_share: float = 0.0  # of people who type the code with its space (if it has one)


COUNTRIES = (
    Country(
        "GB",
        "United Kingdom",
        0.30,
        (
            ("London", "14 Tavistock Place", "WC1H 9RE"),
            ("Manchester", "3 Quay Street", "M3 3HN"),
            ("Bristol", "27 Park Row", "BS1 5LJ"),
            ("Leeds", "8 Wellington Street", "LS1 4DL"),
            ("Edinburgh", "61 Leith Walk", "EH6 8RB"),
        ),
        0.85,
    ),
    Country(
        "DE",
        "Germany",
        0.13,
        (
            ("Berlin", "Torstraße 88", "10119"),
            ("Hamburg", "Grindelallee 12", "20146"),
            ("München", "Leopoldstraße 40", "80802"),
        ),
    ),
    Country(
        "FR",
        "France",
        0.09,
        (("Paris", "12 rue Oberkampf", "75011"), ("Lyon", "5 quai Saint-Vincent", "69001")),
    ),
    Country(
        "NL",
        "Netherlands",
        0.10,
        (("Amsterdam", "Prinsengracht 263", "1016 GV"), ("Utrecht", "Oudegracht 158", "3511 AZ")),
        0.75,
    ),
    Country(
        "PL",
        "Poland",
        0.07,
        (("Warszawa", "ul. Marszałkowska 84", "00-514"), ("Kraków", "ul. Długa 12", "31-146")),
    ),
    Country(
        "SE",
        "Sweden",
        0.06,
        (("Stockholm", "Götgatan 22", "118 46"), ("Göteborg", "Vasagatan 9", "411 24")),
        0.65,
    ),
    Country("ES", "Spain", 0.06, (("Madrid", "Calle de Alcalá 120", "28009"),)),
    Country(
        "CA",
        "Canada",
        0.09,
        (("Toronto", "220 King St W", "M5H 1K4"), ("Vancouver", "1055 Canada Pl", "V6C 0C3")),
        0.85,
    ),
    Country(
        "US",
        "United States",
        0.10,
        (("Austin", "1100 Congress Ave", "78701"), ("Seattle", "400 Broad St", "98109")),
    ),
)
AFFECTED_COUNTRIES = frozenset({"GB", "CA", "NL", "SE"})


@dataclass(frozen=True)
class Platform:
    browser: str
    os: str
    device: str
    share: float
    user_agent: str
    viewports: tuple[tuple[int, int], ...]
    screen: tuple[int, int]


_CHROME = "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0"
PLATFORMS = (
    Platform("Chrome 131", "Windows 11", "desktop", 0.30,
             f"Mozilla/5.0 (Windows NT 10.0; Win64; x64) {_CHROME} Safari/537.36",
             ((1366, 768), (1536, 864), (1280, 800)), (1920, 1080)),
    Platform("Edge 131", "Windows 11", "desktop", 0.07,
             f"Mozilla/5.0 (Windows NT 10.0; Win64; x64) {_CHROME} Safari/537.36 Edg/131.0.0.0",
             ((1366, 768), (1440, 810)), (1920, 1080)),
    Platform("Firefox 133", "Windows 10", "desktop", 0.07,
             "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
             ((1366, 768),), (1366, 768)),
    Platform("Safari 18", "macOS 15", "desktop", 0.11,
             "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
             "Gecko) Version/18.1 Safari/605.1.15",
             ((1440, 900), (1280, 800)), (2880, 1800)),
    Platform("Chrome 131", "macOS 15", "desktop", 0.08,
             f"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) {_CHROME} Safari/537.36",
             ((1440, 900),), (2560, 1600)),
    Platform("Safari 18", "iOS 18", "mobile", 0.19,
             "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
             "like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
             ((390, 844), (393, 852)), (1179, 2556)),
    Platform("Chrome 131", "Android 14", "mobile", 0.18,
             "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/131.0.0.0 Mobile Safari/537.36",
             ((412, 915),), (1080, 2400)),
)  # fmt: skip

FIRST_NAMES = (
    "Oliver", "Amelia", "Noah", "Isla", "Leo", "Ava", "Lucas", "Mia", "Jonas", "Emma", "Liam",
    "Sofia", "Mateo", "Hanna", "Elias", "Zoe", "Jan", "Julia", "Hugo", "Chloe", "Erik", "Maja",
    "Daniel", "Grace", "Tomasz", "Alicja", "Sven", "Ingrid", "Pablo", "Lucia", "Ethan", "Nora",
    "Felix", "Clara", "Adam", "Lena", "Oscar", "Freya", "Marco", "Elena",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Müller", "Schmidt", "Martin", "Bernard", "de Vries",
    "Jansen", "Kowalski", "Nowak", "Andersson", "Johansson", "García", "Martínez", "Tremblay",
    "Roy", "Johnson", "Miller", "Walsh", "Evans", "Fischer", "Dubois", "Bakker",
)  # fmt: skip


@dataclass(frozen=True)
class User:
    """A shopper: identity, address and the browser and device they use."""

    user_id: str
    first_name: str
    full_name: str
    country: Country
    city: str
    street: str
    postal_code: str
    types_space: bool  # types the postal code's space (only matters if it has one)
    platform: Platform
    viewport: tuple[int, int]

    @property
    def shop_profile(self) -> dict[str, str]:
        """What the shop remembers of a signed-in user (``localStorage.pw_user``)."""
        return {"email": self.user_id, "first_name": self.first_name, "country": self.country.code}

    @property
    def typed_postal_code(self) -> str:
        return self.postal_code if self.types_space else self.postal_code.replace(" ", "")


@dataclass(frozen=True)
class SessionPlan:
    """One visit: who, when (the start the recording is shifted to), which release, why."""

    session_id: str
    user: User
    start_ms: int
    release: str
    persona: str
    seed: int
    flaky_recommendations: bool = False
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def affected(self) -> bool:
        """Would this visit hit the release-2.5.0 bug if it reached the order button?"""
        return (
            self.release == RELEASE_AFTER
            and self.user.country.code in AFFECTED_COUNTRIES
            and " " in self.user.typed_postal_code
        )


def _pick(rng: random.Random, items: tuple, weights: tuple[float, ...]) -> object:
    return rng.choices(items, weights=weights, k=1)[0]


def make_users(count: int, rng: random.Random) -> list[User]:
    users: list[User] = []
    seen: set[str] = set()
    while len(users) < count:
        first = rng.choice(FIRST_NAMES)
        last = rng.choice(LAST_NAMES)
        handle = f"{first}.{last}".lower().replace(" ", "").replace("ü", "ue").replace("í", "i")
        handle = handle.replace("á", "a").replace("ó", "o")
        user_id = f"{handle}{rng.randint(1, 99)}@example.com"
        if user_id in seen:
            continue
        seen.add(user_id)
        country = _pick(rng, COUNTRIES, tuple(c.share for c in COUNTRIES))
        platform = _pick(rng, PLATFORMS, tuple(p.share for p in PLATFORMS))
        city, street, postal = rng.choice(country.cities)
        users.append(
            User(
                user_id=user_id,
                first_name=first,
                full_name=f"{first} {last}",
                country=country,
                city=city,
                street=street,
                postal_code=postal,
                types_space=rng.random() < country.space_share,
                platform=platform,
                viewport=rng.choice(platform.viewports),
            )
        )
    return users


def ashley() -> User:
    gb = COUNTRIES[0]
    return User(
        user_id=ASHLEY_ID,
        first_name="Ashley",
        full_name="Ashley Parker",
        country=gb,
        city="London",
        street="221 Baker Street",
        postal_code="NW1 6XE",
        types_space=True,
        platform=PLATFORMS[0],
        viewport=(1366, 768),
    )


def _start_time(rng: random.Random) -> int:
    day = rng.randrange(PERIOD_DAYS)
    hour = rng.choices(range(24), weights=HOUR_WEIGHTS, k=1)[0]
    return PERIOD_START_MS + day * DAY_MS + hour * 3_600_000 + rng.randrange(3_600_000)


def plan_sessions(count: int = 300, seed: int = 7) -> list[SessionPlan]:
    """The demo's visits, ordered by start time, with ids ``s0001``…; Ashley's two included."""
    if count < 2:
        raise ValueError("the demo needs at least 2 sessions (Ashley's two visits)")
    rng = random.Random(seed)
    users = make_users(max(1, round(count / 2)) - 1, rng)
    weights = [1.0 / (1 + 0.05 * i) for i in range(len(users))]
    drafts: list[tuple[int, User, str, dict[str, str]]] = [
        (ASHLEY_EARLIER_AT_MS, ashley(), "buy", {"story": "ashley-buys"}),
        (ASHLEY_STUCK_AT_MS, ashley(), "ashley", {"story": "ashley-stuck"}),
    ]
    for index in range(count - 2):
        user = users[index] if index < len(users) else rng.choices(users, weights=weights, k=1)[0]
        persona = str(_pick(rng, PERSONAS, PERSONA_WEIGHTS))
        drafts.append((_start_time(rng), user, persona, {}))
    drafts.sort(key=lambda d: d[0])
    plans = []
    for number, (start, user, persona, notes) in enumerate(drafts, start=1):
        plans.append(
            SessionPlan(
                session_id=f"s{number:04d}",
                user=user,
                start_ms=start,
                release=RELEASE_AFTER if start >= RELEASE_AT_MS else RELEASE_BEFORE,
                persona=persona,
                seed=rng.randrange(2**31),
                flaky_recommendations=rng.random() < 0.06 and not notes,
                notes=notes,
            )
        )
    return plans
