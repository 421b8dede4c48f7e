"""Posting throughput: posts/s through the websocket, each one saved (with its event and its
notifications) and fanned out to 50 listening clients, against plain ORM inserts of the same rows
from this process.

Five members post at once, several posts each without waiting, as busy pages would; a round ends
when every post is acknowledged and has reached all 50 clients.

    python -m bench.posting
"""

import asyncio
import itertools
import time

from bench import common
from bench.common import Figure, alternate, ratio_figure
from bench.crowd import Crowd, Poster

LISTENERS = 50
POSTS_EACH = 8
ROUNDS = 5
TIMEOUT = 10.0
ORM_STREAM = "bench.orm"  # the baseline's events, apart from the site's streams


async def site_round(posters: list[Poster], crowd: Crowd) -> tuple[float, int]:
    """Posts/s over the websocket, and how many deliveries were lost."""
    start = time.perf_counter()
    sent = [await poster.send() for _ in range(POSTS_EACH) for poster in posters]
    ids = await asyncio.wait_for(asyncio.gather(*sent), TIMEOUT)
    lost = 0
    for post in ids:
        lost += len(crowd) - len(await crowd.arrivals_of(post, TIMEOUT))
    return len(ids) / (time.perf_counter() - start), lost


def insert_rows(thread, authors: list, count: int) -> float:
    """Posts/s of plain ORM inserts of the rows a reply writes: the post, a notification for
    each other poster (they follow the thread), and the logged event with its number (on a
    stream of its own, so as not to disturb the site's), one transaction per post, as a reply
    is."""
    from django.db import transaction

    from community import event_log
    from community.models import EventLog
    from messaging import markdown
    from messaging.models import Post
    from notifications.models import Notification

    numbers = itertools.count(time.time_ns())
    start = time.perf_counter()
    for n in range(count):
        author = authors[n % len(authors)]
        source = f"Message de mesure n° {n}."
        with transaction.atomic():
            post = Post.objects.create(
                thread=thread,
                author=author,
                source=source,
                html=markdown.render(source).html,
                client_id=f"orm-{next(numbers)}",
            )
            Notification.objects.bulk_create(
                Notification(recipient=other, kind="reply", club_id=thread.club_id,
                             actor=author, text=source, url=f"/fils/{thread.pk}/")
                for other in authors if other != author
            )  # fmt: skip
            EventLog.objects.create(
                stream=ORM_STREAM,
                seq=event_log.next_seq(ORM_STREAM),
                type="post.created",
                data={"thread": thread.pk, "post": post.pk, "html": post.html},
            )
    return count / (time.perf_counter() - start)


def forget_earlier_runs(posters: list) -> None:
    """Each run leaves the posters thousands of unread notifications, which every badge count
    then reads, and the baseline's rows: without this, each run would be slower than the
    last."""
    from community.models import EventLog, StreamCounter
    from messaging.models import Post
    from notifications.models import Notification

    Notification.objects.filter(recipient__in=posters).delete()
    Post.objects.filter(client_id__startswith="orm-").delete()
    EventLog.objects.filter(stream=ORM_STREAM).delete()
    StreamCounter.objects.filter(stream=ORM_STREAM).delete()


async def measure(seeded, cookies: list[str], poster_cookies: list[str]) -> list[Figure]:
    stream, thread = f"club.{seeded.club.pk}", seeded.threads["live"]
    count = POSTS_EACH * len(poster_cookies)
    with common.daphne() as server:
        crowd = Crowd(server.ws_url)
        await crowd.grow(cookies, stream)
        posters = [
            await Poster.to_site(server.ws_url, cookie, thread=thread.pk, stream=stream)
            for cookie in poster_cookies
        ]
        await site_round(posters, crowd)  # warm-up
        site, orm = await alternate(
            ROUNDS,
            lambda: site_round(posters, crowd),
            lambda: asyncio.to_thread(insert_rows, thread, seeded.posters, count),
        )
        for client in (*posters, crowd):
            await client.close()
    lost = sum(lost for _rate, lost in site)
    figure = ratio_figure(
        f"Posting through the websocket (fan-out to {LISTENERS}), posts/s",
        [rate for rate, _lost in site],
        orm,
        show=lambda value: f"{value:.0f} posts/s",
        baseline_name="ORM inserts of its rows",
        target=0.3,
        at_least=True,
    )
    figure.value += f", {lost} lost"
    figure.met = figure.met and lost == 0
    return [figure]


def run(seeded) -> list[Figure]:
    from bench.data import session_cookies

    forget_earlier_runs(seeded.posters)
    cookies = session_cookies(seeded.crowd[:LISTENERS])
    return asyncio.run(measure(seeded, cookies, session_cookies(seeded.posters)))


if __name__ == "__main__":
    common.run_alone(run)
