"""Where each page type may be created in the tree."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from cms.models import GuideIndexPage, GuidePage, HomePage, LegalPage


class PageTreeRules(WagtailPageTestCase):
    def test_guides_live_only_under_the_guide_index(self):
        self.assertCanCreateAt(GuideIndexPage, GuidePage)
        self.assertCanNotCreateAt(HomePage, GuidePage)
        self.assertCanNotCreateAt(Page, GuidePage)
        self.assertCanNotCreateAt(GuidePage, GuidePage)
        self.assertAllowedParentPageTypes(GuidePage, {GuideIndexPage})

    def test_the_guide_index_lives_under_the_landing_page_and_holds_only_guides(self):
        self.assertCanCreateAt(HomePage, GuideIndexPage)
        self.assertCanNotCreateAt(Page, GuideIndexPage)
        self.assertAllowedParentPageTypes(GuideIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(GuideIndexPage, {GuidePage})
        self.assertAllowedSubpageTypes(GuidePage, {})

    def test_the_landing_page_holds_the_legal_pages_and_the_guide_index(self):
        self.assertAllowedSubpageTypes(HomePage, {LegalPage, GuideIndexPage})
        self.assertCanNotCreateAt(GuideIndexPage, LegalPage)

    def test_there_is_one_guide_index_at_most(self):
        self.assertEqual(GuideIndexPage.max_count, 1)
