"""The blocks a guide is written with. Each renders accessible HTML that works without JavaScript
(the FAQ is a <details> element); images and documents go through access-checked views."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.typed_table_block.blocks import TypedTableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul", "h3", "h4"]


class HeadingBlock(blocks.CharBlock):
    """A second-level heading: the guide's title is the page's only h1."""

    class Meta:
        icon = "title"
        label = _("Intertitre")
        template = "cms/blocks/heading.html"


class NoticeBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[("info", _("Information")), ("warning", _("Attention"))],
        default="info",
        label=_("Type"),
    )
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("Texte"))

    class Meta:
        icon = "warning"
        label = _("Encadré")
        template = "cms/blocks/notice.html"


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Étape"))
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("Détail"), required=False)


class StepsBlock(blocks.StructBlock):
    steps = blocks.ListBlock(StepBlock(), label=_("Étapes"), min_num=1)

    class Meta:
        icon = "list-ol"
        label = _("Pas à pas")
        template = "cms/blocks/steps.html"


class QuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Question"))
    answer = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("Réponse"))


class FaqBlock(blocks.StructBlock):
    questions = blocks.ListBlock(QuestionBlock(), label=_("Questions"), min_num=1)

    class Meta:
        icon = "help"
        label = _("Questions fréquentes")
        template = "cms/blocks/faq.html"


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    label = blocks.CharBlock(
        label=_("Intitulé du lien"),
        required=False,
        help_text=_("Par défaut, le titre du document."),
    )

    class Meta:
        icon = "doc-full"
        label = _("Document à télécharger")
        template = "cms/blocks/document_link.html"


class GuideImageBlock(blocks.StructBlock):
    image = ImageBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Légende"), required=False)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "cms/blocks/image.html"


class TableBlock(TypedTableBlock):
    text = blocks.CharBlock(label=_("Texte"))
    number = blocks.DecimalBlock(label=_("Nombre"))
    rich_text = blocks.RichTextBlock(features=["bold", "italic", "link"], label=_("Texte enrichi"))

    class Meta:
        icon = "table"
        label = _("Tableau")
        template = "cms/blocks/table.html"


def guide_body_blocks():
    return [
        ("rich_text", blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("Texte"))),
        ("heading", HeadingBlock()),
        ("notice", NoticeBlock()),
        ("steps", StepsBlock()),
        ("faq", FaqBlock()),
        ("document", DocumentLinkBlock()),
        ("image", GuideImageBlock()),
        ("table", TableBlock()),
    ]
