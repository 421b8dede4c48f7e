"""Search latency on PostgreSQL with 100,000 posts, against a primary-key lookup (A B A B ...).

Seeds (once; reused while the figures match) a database of its own, `entrepairs_bench_search`
next to DATABASE_URL's (default postgres://postgres@127.0.0.1:5432): 30 clubs, 600 members,
5,000 threads, 100,000 posts of French text. Then, as one member of 3 clubs, runs varied French
searches through the page's own selector (`search.sources.search`: counts of the three types,
first hits, snippets), each followed by the baseline: one post fetched by primary key. Prints
p50 and p95 of both and their ratio, and rewrites the "Search" section of docs/performance.md.

    .venv/bin/python bench/search_latency.py [--searches 200] [--no-write]
"""

import argparse
import itertools
import os
import platform
import random
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

POSTS, THREADS, CLUBS, MEMBERS = 100_000, 5_000, 30, 600
TARGET_P95_MS = 150
BEGIN, END = "<!-- search-latency:begin -->", "<!-- search-latency:end -->"

TRADE_WORDS = (
    "marché public travaux délibération conseil municipal budget annexe subvention commune "
    "archives versement bordereau élimination inventaire état civil recensement élection "
    "urbanisme permis construire cadastre voirie cimetière concession école cantine "
    "personnel contrat agent titulaire congé formation paie mandat titre trésorerie "
    "comptable dotation fiscalité taxe foncière devis fournisseur consultation procédure "
    "adaptée seuil avenant reconduction pénalités réception ordre service sous-traitance "
    "candidature offre analyse critères notation attribution rejet recours préfecture "
    "contrôle légalité arrêté règlement intérieur registre numérisation conservation salle "
    "lecture communication délai question réponse modèle exemple merci collègue mairie "
    "intercommunalité syndicat"
)
VOCABULARY = TRADE_WORDS.split()
QUERIES = (
    "marché public",
    "délibération",
    "deliberation",
    "travaux",
    "marchés",
    "archives",
    "budget",
    "élimination archives",
    "procédure adaptée",
    "subvention",
    "cimetière concession",
    "avenant",
    "recensement",
    "permis de construire",
    "titulaire congé",
    "bordereau versement",
    "seuil",
    "réception travaux",
    "contrôle de légalité",
    "cantine",
    "martin",
    "registre état civil",
)


def database_url() -> str:
    base = urlsplit(os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/x")
    if not base.scheme.startswith("postgres"):
        sys.exit("DATABASE_URL must be PostgreSQL (or unset for the local one)")
    return urlunsplit(base._replace(path="/entrepairs_bench_search"))


def create_database(url: str) -> None:
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        found = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = 'entrepairs_bench_search'"
        ).fetchone()
        if not found:
            connection.execute("CREATE DATABASE entrepairs_bench_search")


def filler_words(count: int) -> list[str]:
    """Everyday words of a discussion, stood in for by pronounceable made-up words."""
    rng = random.Random(7)
    syllables = [c + v for c in "bcdfglmnprstv" for v in ("a", "e", "i", "o", "ou", "an", "é")]
    return ["".join(rng.choices(syllables, k=rng.randint(2, 3))) for _ in range(count)]


FILLER = filler_words(3_000)


def zipf_weights(count: int) -> list[float]:
    """Cumulative weights of Zipf's law: the k-th word is k times rarer than the first."""
    return list(itertools.accumulate(1 / rank for rank in range(1, count + 1)))


TRADE_WEIGHTS, FILLER_WEIGHTS = zipf_weights(len(VOCABULARY)), zipf_weights(len(FILLER))


def sentence(rng: random.Random, words: int) -> str:
    """One word in five from the trade's vocabulary, the others everyday words; both spread
    by Zipf's law, as in real discussions."""
    trade = sum(rng.random() < 0.2 for _ in range(words))
    picked = rng.choices(VOCABULARY, cum_weights=TRADE_WEIGHTS, k=trade)
    picked += rng.choices(FILLER, cum_weights=FILLER_WEIGHTS, k=words - trade)
    rng.shuffle(picked)
    return " ".join(picked).capitalize() + "."


def seed() -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from clubs.models import Club, Membership
    from community.models import Profile, User
    from messaging.models import Post, Thread

    if Post.objects.count() == POSTS and Post.objects.filter(source__contains=FILLER[0]).exists():
        return
    call_command("flush", interactive=False, verbosity=0)
    started = time.perf_counter()
    rng = random.Random(8)
    clubs = Club.objects.bulk_create(
        Club(name=f"Club {n}", slug=f"club-{n}", visibility="secret" if n % 5 == 0 else "listed")
        for n in range(CLUBS)
    )
    people = User.objects.bulk_create(
        User(email=f"membre{n}@bench.test", first_name=f"Prénom{n}", last_name=f"Martin{n}")
        for n in range(MEMBERS)
    )
    Profile.objects.bulk_create(Profile(user=p, handle=f"membre{p.pk}") for p in people)
    Membership.objects.bulk_create(
        Membership(user=person, club=clubs[(n + k) % CLUBS])
        for n, person in enumerate(people)
        for k in range(3)
    )
    threads = Thread.objects.bulk_create(
        Thread(club=clubs[n % CLUBS], title=sentence(rng, 6), author=people[n % MEMBERS])
        for n in range(THREADS)
    )
    batch, now = [], timezone.now()
    for n in range(POSTS):
        text = " ".join(sentence(rng, rng.randint(8, 20)) for _ in range(rng.randint(1, 4)))
        batch.append(
            Post(
                thread=threads[n % THREADS],
                author=people[(n * 7) % MEMBERS],
                source=text,
                html="",
                hidden_at=now if n % 97 == 0 else None,  # a few hidden posts, left out
            )
        )
        if len(batch) == 10_000:
            Post.objects.bulk_create(batch)
            batch = []
    Post.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE messaging_post")
        cursor.execute("VACUUM ANALYZE messaging_thread")
    print(f"seeded {POSTS:,} posts in {time.perf_counter() - started:.0f} s")


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1]


def run(searches: int) -> dict:
    from community.models import User
    from messaging.models import Post
    from search.sources import Criteria, search

    member = User.objects.get(email="membre0@bench.test")
    post_ids = list(Post.objects.values_list("pk", flat=True)[:5000])
    rng = random.Random(10)
    search_ms, lookup_ms, results = [], [], []
    for n in range(searches):
        query = QUERIES[n % len(QUERIES)]
        start = time.perf_counter()
        groups = search(member, Criteria(text=query))
        search_ms.append((time.perf_counter() - start) * 1000)
        results.append(sum(g.count for g in groups))
        start = time.perf_counter()
        Post.objects.filter(pk=rng.choice(post_ids)).first()
        lookup_ms.append((time.perf_counter() - start) * 1000)
    return {
        "search_p50": statistics.median(search_ms),
        "search_p95": percentile(search_ms, 95),
        "lookup_p50": statistics.median(lookup_ms),
        "lookup_p95": percentile(lookup_ms, 95),
        "matches_median": statistics.median(results),
        "matches_max": max(results),
        "searches": searches,
    }


def report(figures: dict) -> str:
    ratio = figures["search_p50"] / figures["lookup_p50"]
    verdict = "met" if figures["search_p95"] <= TARGET_P95_MS else "NOT met"
    load = os.getloadavg()[0]  # the machine is shared: say how busy it was
    machine = (
        f"{platform.machine()}, {os.cpu_count()} cores (load average {load:.1f}), "
        f"Python {platform.python_version()}"
    )
    return f"""{BEGIN}
## Search

`bench/search_latency.py`, {time.strftime("%Y-%m-%d")}, {machine}, local PostgreSQL.
{POSTS:,} posts in {THREADS:,} threads of {CLUBS} clubs, {MEMBERS} members; one member of 3 clubs
runs {figures["searches"]} searches of varied French words (1 to 3 words; median
{figures["matches_median"]:.0f} matches, at most {figures["matches_max"]:,}) through the page's
selector (`search.sources.search`: three counts, the first five hits of each type, snippets).
Each search is followed by the baseline, one post fetched by primary key.

| | p50 | p95 |
| --- | --- | --- |
| search | {figures["search_p50"]:.1f} ms | {figures["search_p95"]:.1f} ms |
| primary-key lookup (baseline) | {figures["lookup_p50"]:.2f} ms | {figures["lookup_p95"]:.2f} ms |
| ratio (search / baseline, p50) | {ratio:.0f}× | |

Target: p95 at most {TARGET_P95_MS} ms — {verdict}.
{END}
"""


def write_section(section: str) -> None:
    path = ROOT / "docs" / "performance.md"
    text = path.read_text() if path.exists() else "# Performance\n"
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END) + "\n?", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _match: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--no-write", action="store_true", help="print only")
    arguments = parser.parse_args()
    url = database_url()
    create_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "entrepairs.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    seed()
    run(20)  # warm the caches
    section = report(run(arguments.searches))
    print(section)
    if not arguments.no_write:
        write_section(section)


if __name__ == "__main__":
    main()
