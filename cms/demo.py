"""The public page tree: the landing page at the site's root and the legal pages under it."""

from wagtail.models import Page, Site

from .models import HomePage, LegalPage

LANDING_INTRO = (
    "Le réseau professionnel fermé des métiers des collectivités locales : secrétaires de "
    "mairie, archivistes, acheteurs publics. Pour ne plus être seul ou seule face à une question."
)
LANDING_BODY = (
    "<p>Entre pairs réunit, en clubs sur invitation, les agents des communes et des "
    "intercommunalités accompagnées par le GIP. On y pose ses questions, on y partage ses "
    "modèles et l'on y trouve les guides pratiques de l'équipe du GIP.</p>"
    "<h2>Comment rejoindre Entre pairs ?</h2>"
    "<p>Un modérateur ou une modératrice de club vous envoie une invitation par courriel. "
    "Suivez son lien pour créer votre compte. Vous ne l'avez pas reçue ? Demandez-la à un ou "
    "une collègue déjà membre, ou à l'équipe du GIP.</p>"
)
PRIVACY_BODY = (
    "<h2>Ce que nous gardons de vous</h2>"
    "<p>Les données des membres servent uniquement au fonctionnement du réseau : votre adresse "
    "électronique et votre mot de passe (chiffré) pour vous connecter ; votre profil (nom "
    "affiché, fonction, collectivité, type de structure, SIRET, département, photo, "
    "présentation, téléphone) ; vos adhésions aux clubs ; vos messages, réactions et fichiers "
    "déposés ; vos notifications ; la liste de vos sessions ouvertes (date, adresse IP, "
    "navigateur).</p>"
    "<h2>Qui les voit</h2>"
    "<p>Votre profil n'est visible que des membres des clubs dont vous faites partie, et "
    "l'annuaire ne montre que les membres de vos clubs. Votre photo n'est jamais publique : elle "
    "n'est servie qu'à ces membres. Votre adresse électronique et votre téléphone restent "
    "cachés, sauf si vous choisissez de les montrer aux membres de vos clubs (page « Mon "
    "profil »). Les messages d'un club ne sont lus que par ses membres.</p>"
    "<h2>Vos droits, depuis « Mon compte »</h2>"
    "<ul>"
    "<li><b>Télécharger mes données</b> : une archive ZIP de votre profil, de vos adhésions, de "
    "vos messages, de vos réactions et de vos notifications (au format JSON), avec les fichiers "
    "que vous avez déposés. Rien de ce qu'ont écrit les autres membres n'y figure.</li>"
    "<li><b>Supprimer mon compte</b> : vos messages restent signés « Ancien membre » ou sont "
    "effacés, à votre choix ; vos fichiers déposés et votre photo sont supprimés ; toutes vos "
    "sessions sont fermées et la connexion devient impossible. Si vous êtes la seule personne "
    "propriétaire d'un club qui a d'autres membres, nommez d'abord quelqu'un d'autre.</li>"
    "<li>Modifier votre profil, votre adresse (vérifiée à nouveau), votre mot de passe (vos "
    "autres sessions sont alors fermées), activer la double authentification et fermer vos "
    "sessions ouvertes ailleurs.</li>"
    "</ul>"
    "<h2>Combien de temps</h2>"
    "<ul>"
    "<li>Un compte sans connexion depuis un an reçoit un courriel d'avertissement ; sans "
    "connexion dans les 30 jours qui suivent, il est désactivé.</li>"
    "<li>Les événements du direct (qui permettent à une page de rattraper ce qu'elle a manqué) "
    "sont supprimés après 7 jours ; les notifications lues, après 90 jours.</li>"
    "<li>Le reste est gardé tant que votre compte existe.</li>"
    "</ul>"
)

LEGAL_PAGES = [
    (
        "mentions-legales",
        "Mentions légales",
        "<p>Entre pairs est édité par le GIP numérique des collectivités. Directeur de la "
        "publication : le directeur du GIP. Hébergement : en France, chez un hébergeur "
        "qualifié.</p>",
    ),
    (
        "accessibilite",
        "Déclaration d'accessibilité",
        "<p>Le GIP s'engage à rendre Entre pairs accessible conformément à l'article 47 de la loi "
        "n° 2005-102 du 11 février 2005. Cette déclaration s'applique au site Entre pairs.</p>"
        "<p>État de conformité : en cours d'évaluation au regard du RGAA 4.1.</p>",
    ),
    (
        "confidentialite",
        "Politique de confidentialité",
        PRIVACY_BODY,
    ),
]


def ensure_landing_page(log) -> HomePage:
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = root.add_child(
            instance=HomePage(
                title="Entre pairs", slug="accueil", intro=LANDING_INTRO, body=LANDING_BODY
            )
        )
        log("page d'accueil publique créée")
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", root_page=home, is_default_site=True, site_name="Entre pairs"
        )
    elif site.root_page_id != home.id:
        old_root = site.root_page
        site.root_page = home
        site.site_name = "Entre pairs"
        site.save()
        # Wagtail's placeholder "Welcome" page is of no use once the landing page is the root.
        if old_root.specific_class is Page and not old_root.get_children().exists():
            old_root.delete()
    return home


def seed(log) -> None:
    home = ensure_landing_page(log)
    for slug, title, body in LEGAL_PAGES:
        if not LegalPage.objects.filter(slug=slug).exists():
            home.add_child(instance=LegalPage(title=title, slug=slug, body=body))
            log(f"page légale créée : {title}")
