from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The public landing page: what the network is and how to join it."""

    is_public = True
    intro = models.CharField(_("accroche"), max_length=300, blank=True)
    body = RichTextField(_("contenu"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.LegalPage"]
    max_count = 1

    class Meta:
        verbose_name = _("page d'accueil publique")


class LegalPage(Page):
    """Mentions légales, déclaration d'accessibilité, politique de confidentialité: public."""

    is_public = True
    body = RichTextField(_("contenu"))
    last_reviewed = models.DateField(_("dernière mise à jour"), null=True, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("body"), FieldPanel("last_reviewed")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("page légale")
        verbose_name_plural = _("pages légales")
