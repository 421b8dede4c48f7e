"""What the guides and the legal pages do when Wagtail publishes, moves or deletes one."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import ReferenceIndex
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from community import after_commit

from . import selectors
from .models import GuidePage, LegalPage


@receiver(page_published, sender=GuidePage)
def record_the_files_of_a_published_guide_at_once(sender, instance, **kwargs):
    """Who may download a guide's document or see its image is read from Wagtail's reference
    index (`selectors.may_read_guide_media`). Wagtail updates the index in a background task:
    a document removed from a guide stayed downloadable until the worker ran, and one added was
    refused until then. The published guide's references are recorded here, as it is published."""
    with transaction.atomic():
        ReferenceIndex.create_or_update_for_object(instance)


@receiver(page_published, sender=LegalPage)
@receiver(page_unpublished, sender=LegalPage)
@receiver(page_slug_changed, sender=LegalPage)
@receiver(post_save, sender=LegalPage)
@receiver(post_delete, sender=LegalPage)
def forget_the_footers_legal_links(sender, **kwargs):
    """Every page's footer lists the legal pages from the cache (`selectors.legal_links`): a
    change to one of them is in the next page served, by whichever process."""
    _forget_legal_links()


@receiver(post_page_move)
def forget_the_legal_links_after_a_move(sender, instance, **kwargs):
    """A moved page changes its address; a legal page moved inside a moved parent too."""
    _forget_legal_links()


def _forget_legal_links() -> None:
    # Now, and again once committed: a page served in between may have kept the old links.
    selectors.forget_legal_links()
    after_commit.run(selectors.forget_legal_links)
