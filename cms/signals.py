"""What the guides do when Wagtail publishes one."""

from django.db import transaction
from django.dispatch import receiver
from wagtail.models import ReferenceIndex
from wagtail.signals import page_published

from .models import GuidePage


@receiver(page_published, sender=GuidePage)
def record_the_files_of_a_published_guide_at_once(sender, instance, **kwargs):
    """Who may download a guide's document or see its image is read from Wagtail's reference
    index (`selectors.may_read_guide_media`). Wagtail updates the index in a background task:
    a document removed from a guide stayed downloadable until the worker ran, and one added was
    refused until then. The published guide's references are recorded here, as it is published."""
    with transaction.atomic():
        ReferenceIndex.create_or_update_for_object(instance)
