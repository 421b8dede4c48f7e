from django import forms
from django.db import models
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from .blocks import guide_body_blocks


class HomePage(Page):
    """The public landing page: what the network is and how to join it."""

    is_public = True
    intro = models.CharField(_("accroche"), max_length=300, blank=True)
    body = RichTextField(_("contenu"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.LegalPage", "cms.GuideIndexPage"]
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
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("page légale")
        verbose_name_plural = _("pages légales")


@register_snippet
class GuideCategory(models.Model):
    """A theme of guides (« Finances », « Archives »…), chosen in the editor, used to filter the
    guide index."""

    name = models.CharField(_("nom"), max_length=80, unique=True)
    slug = models.SlugField(_("identifiant dans l'adresse"), max_length=80, unique=True)

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("catégorie de guides")
        verbose_name_plural = _("catégories de guides")

    def __str__(self):
        return self.name


class GuideIndexPage(Page):
    """The list of guides (/guides/): each member sees the guides of their audience."""

    intro = models.CharField(_("accroche"), max_length=300, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.GuidePage"]
    max_count = 1

    class Meta:
        verbose_name = _("liste des guides")

    def get_context(self, request, *args, **kwargs):
        from community.web import paginate

        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        category = selectors.category_by_slug(request.GET.get("categorie", ""))
        guides = selectors.with_categories(selectors.guides_for(request.user, category=category))
        context.update(
            guides=paginate(request, guides),
            categories=selectors.guide_categories(),
            category=category,
        )
        return context


class GuidePage(Page):
    """A practical guide by the GIP's staff, for every member or for the members of some clubs."""

    intro = models.CharField(_("chapeau"), max_length=400, blank=True)
    body = StreamField(guide_body_blocks(), verbose_name=_("contenu"), blank=True)
    categories = ParentalManyToManyField(
        GuideCategory, verbose_name=_("catégories"), blank=True, related_name="guides"
    )
    audience = ParentalManyToManyField(
        "clubs.Club",
        verbose_name=_("clubs destinataires"),
        blank=True,
        related_name="guides",
        help_text=_(
            "Seuls les membres de ces clubs liront le guide. Aucun club : tous les membres."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("audience", widget=forms.CheckboxSelectMultiple),
                FieldPanel("categories", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("Public et thèmes"),
        ),
    ]
    # The published text, for the site's search (search/sources.py): a page row holds the live
    # version (drafts live in revisions, saved with `update_fields` that leave this alone).
    search_text = models.TextField(editable=False, blank=True, default="")

    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("live"),
    ]
    parent_page_types = ["cms.GuideIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("guide")
        verbose_name_plural = _("guides")

    def save(self, *args, **kwargs):
        self.search_text = self.searchable_text()
        return super().save(*args, **kwargs)

    def searchable_text(self) -> str:
        """Title, chapeau and the words of every block, without markup."""
        blocks = self._meta.get_field("body").get_searchable_content(self.body)
        return " ".join(strip_tags(str(text)) for text in (self.title, self.intro, *blocks) if text)

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context["clubs"] = selectors.guide_clubs(request.user, self)
        context["guide_categories"] = self.categories.all()
        return context
