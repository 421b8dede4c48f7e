"""The page tree: the public landing page at the site's root, the legal pages under it, and the
guides (one per profession, one for every member) under the guide index."""

from datetime import date

from django.contrib.auth.models import Group
from wagtail.models import Page, Site
from wagtail.rich_text import RichText

from clubs.models import Club
from community.models import User

from . import editorial
from .models import GuideCategory, GuideIndexPage, GuidePage, HomePage, LegalPage

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

ACCESSIBILITY_BODY = (
    "<p>Le GIP numérique des collectivités s'engage à rendre Entre pairs accessible, "
    "conformément à l'article 47 de la loi n° 2005-102 du 11 février 2005. Cette déclaration "
    "s'applique au site Entre pairs.</p>"
    "<h2>État de conformité</h2>"
    "<p>Entre pairs n'a pas encore fait l'objet d'un audit complet au regard du référentiel "
    "général d'amélioration de l'accessibilité (RGAA), version 4.1. En attendant cet audit, il "
    "est déclaré <b>non conforme</b>. Voici ce que nous vérifions déjà, à chaque modification du "
    "site.</p>"
    "<h2>Ce qui est vérifié automatiquement</h2>"
    "<p>Avant chaque mise en ligne, des tests ouvrent le site dans un vrai navigateur (Chromium) "
    "et analysent chaque type de page avec l'outil axe-core. Ils exigent zéro erreur aux règles "
    "des niveaux A et AA des WCAG 2.1, la norme internationale sur laquelle repose le RGAA 4.1. "
    "Les pages vérifiées sont :</p>"
    "<ul>"
    "<li>les pages publiques : l'accueil, les mentions légales, la politique de confidentialité "
    "et cette déclaration ;</li>"
    "<li>la connexion, la réinitialisation du mot de passe et l'inscription sur invitation ;</li>"
    "<li>l'accueil des membres connectés (tableau de bord) ;</li>"
    "<li>la liste des clubs, la page d'un club et la liste de ses membres ;</li>"
    "<li>un fil de discussion et le formulaire de nouveau fil ;</li>"
    "<li>les pages de modération (demandes d'adhésion, invitations, signalements, exclusions, "
    "journal) et la gestion des clubs par l'équipe du GIP ;</li>"
    "<li>la liste des guides et un guide ;</li>"
    "<li>les résultats de la recherche ;</li>"
    "<li>les notifications et leurs préférences ;</li>"
    "<li>le profil d'un membre et l'annuaire des membres ;</li>"
    "<li>l'espace « Mon compte » : profil, téléchargement des données, suppression du compte, "
    "adresse électronique, mot de passe, sessions ouvertes ;</li>"
    "<li>les pages de double authentification ;</li>"
    "<li>les pages d'erreur : page introuvable, accès refusé, erreur du serveur et service "
    "momentanément indisponible.</li>"
    "</ul>"
    "<p>Un parcours au clavier seul est aussi testé, de la connexion jusqu'à la publication "
    "d'une réponse dans un fil : le lien « Aller au contenu » vient en premier, l'ordre de "
    "tabulation suit celui de la page, l'élément actif reste toujours visible et aucun élément "
    "ne bloque le clavier.</p>"
    "<p>Ce qui change sans recharger la page est annoncé aux lecteurs d'écran par une zone de "
    "mise à jour (aria-live) : un nouveau message dans un fil, la réponse que vous venez de "
    "publier, une nouvelle notification. Un test vérifie cette annonce pour les notifications."
    "</p>"
    "<p>Dernière vérification : le 28 novembre 2026.</p>"
    "<h2>Limites connues</h2>"
    "<ul>"
    "<li>Un outil automatique ne détecte qu'une partie des défauts : la pertinence des textes "
    "de remplacement des images, la clarté des intitulés ou l'ordre de lecture demandent un "
    "examen humain.</li>"
    "<li>Aucun audit manuel avec un lecteur d'écran (NVDA, VoiceOver) n'a encore été fait, ni "
    "aucun test avec des personnes en situation de handicap.</li>"
    "<li>L'affichage agrandi à 200 % et sur petit écran n'est pas vérifié automatiquement.</li>"
    "<li>L'éditeur des guides (Wagtail, réservé à l'équipe du GIP) est l'interface propre à ce "
    "logiciel : il n'est pas couvert par ces vérifications.</li>"
    "<li>Les fichiers déposés par les membres (documents PDF, tableurs, images) ne sont pas "
    "vérifiés : leur accessibilité dépend de leurs auteurs.</li>"
    "</ul>"
    "<h2>Signaler un problème</h2>"
    "<p>Si vous n'arrivez pas à lire un contenu ou à utiliser un service, écrivez à l'équipe "
    'du GIP : <a href="mailto:accessibilite@gip-numerique.example">'
    "accessibilite@gip-numerique.example</a>. Dites-nous sur quelle page et ce qui vous gêne : "
    "nous vous répondrons et vous donnerons le contenu sous une autre forme si besoin.</p>"
    "<h2>Voies de recours</h2>"
    "<p>Si vous nous avez signalé un défaut qui vous empêche d'accéder à un contenu ou à un "
    "service et que notre réponse ne vous satisfait pas, vous pouvez saisir le Défenseur des "
    "droits :</p>"
    "<ul>"
    "<li>par le formulaire en ligne : "
    '<a href="https://formulaire.defenseurdesdroits.fr/">formulaire.defenseurdesdroits.fr</a> ;'
    "</li>"
    "<li>auprès de son délégué ou de sa déléguée dans votre région : "
    '<a href="https://www.defenseurdesdroits.fr/saisir/delegues">'
    "defenseurdesdroits.fr/saisir/delegues</a> ;</li>"
    "<li>par courrier, gratuit et sans timbre : Défenseur des droits, Libre réponse 71120, "
    "75342 Paris CEDEX 07.</li>"
    "</ul>"
)
ACCESSIBILITY_CHECKED_ON = date(2026, 11, 28)

# (slug, title, body, date of the last review shown under the page)
LEGAL_PAGES = [
    (
        "mentions-legales",
        "Mentions légales",
        "<p>Entre pairs est édité par le GIP numérique des collectivités. Directeur de la "
        "publication : le directeur du GIP. Hébergement : en France, chez un hébergeur "
        "qualifié.</p>",
        None,
    ),
    (
        "accessibilite",
        "Déclaration d'accessibilité",
        ACCESSIBILITY_BODY,
        ACCESSIBILITY_CHECKED_ON,
    ),
    (
        "confidentialite",
        "Politique de confidentialité",
        PRIVACY_BODY,
        None,
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


def ensure_guide_index(home: HomePage, log) -> GuideIndexPage:
    index = GuideIndexPage.objects.first()
    if index is None:
        index = home.add_child(
            instance=GuideIndexPage(
                title="Guides pratiques",
                slug="guides",
                intro="Les fiches pratiques de l'équipe du GIP, pour chaque métier.",
            )
        )
        log("liste des guides créée")
    editorial.attach_to_guide_index(index)
    return index


def ensure_guide(index: GuideIndexPage, spec: dict, log) -> None:
    if index.get_children().filter(slug=spec["slug"]).exists():
        return
    category, _ = GuideCategory.objects.get_or_create(
        slug=spec["category"][0], defaults={"name": spec["category"][1]}
    )
    guide = GuidePage(
        title=spec["title"], slug=spec["slug"], intro=spec["intro"], body=spec["body"]
    )
    guide.audience = list(Club.objects.filter(slug__in=spec["clubs"]))
    guide.categories = [category]
    index.add_child(instance=guide)
    guide.save_revision().publish()
    log(f"guide publié : {spec['title']}")


def seed(log) -> None:
    home = ensure_landing_page(log)
    for slug, title, body, reviewed in LEGAL_PAGES:
        if not LegalPage.objects.filter(slug=slug).exists():
            page = LegalPage(title=title, slug=slug, body=body, last_reviewed=reviewed)
            home.add_child(instance=page)
            log(f"page légale créée : {title}")
    index = ensure_guide_index(home, log)
    for spec in GUIDES:
        ensure_guide(index, spec, log)
    staff = User.objects.filter(email=GUIDE_EDITOR).first()
    if staff is not None:
        staff.groups.add(*Group.objects.filter(name__in=[editorial.EDITORS, editorial.REVIEWERS]))


GUIDE_EDITOR = "equipe@demo.test"


def _text(html: str) -> RichText:
    return RichText(html)


GUIDES = [
    {
        "slug": "preparer-le-budget-primitif",
        "title": "Préparer le budget primitif",
        "intro": "Du débat d'orientation au vote avant le 15 avril : le calendrier et les pièges.",
        "clubs": ["secretaires-de-mairie"],
        "category": ("finances", "Finances"),
        "body": [
            (
                "rich_text",
                _text(
                    "<p>Le budget primitif prévoit et autorise les recettes et les dépenses de "
                    "l'année. Dans une commune de moins de 3 500 habitants, il est voté au plus "
                    "tard le 15 avril (le 30 avril l'année du renouvellement du conseil).</p>"
                ),
            ),
            ("heading", "Le calendrier"),
            (
                "steps",
                {
                    "steps": [
                        {
                            "title": "Recenser les besoins (novembre–décembre)",
                            "text": _text(
                                "<p>Demandez aux élus et aux services leurs projets et "
                                "reprenez les contrats en cours.</p>"
                            ),
                        },
                        {
                            "title": "Reprendre les résultats de l'année précédente",
                            "text": _text(
                                "<p>Rapprochez-vous du comptable public pour le compte de "
                                "gestion.</p>"
                            ),
                        },
                        {
                            "title": "Rédiger la maquette M57 et la note de présentation",
                            "text": _text(
                                "<p>La note brève et synthétique est obligatoire et doit être "
                                "publiée sur le site de la commune.</p>"
                            ),
                        },
                        {
                            "title": "Faire voter le conseil municipal",
                            "text": _text(
                                "<p>Puis transmettre au contrôle de légalité dans les quinze "
                                "jours.</p>"
                            ),
                        },
                    ]
                },
            ),
            (
                "notice",
                {
                    "kind": "warning",
                    "text": _text(
                        "<p>Le budget doit être voté en équilibre réel : une section de "
                        "fonctionnement en déficit entraîne la saisine de la chambre régionale des "
                        "comptes.</p>"
                    ),
                },
            ),
            (
                "faq",
                {
                    "questions": [
                        {
                            "question": "Peut-on engager des dépenses avant le vote du budget ?",
                            "answer": _text(
                                "<p>Oui, en fonctionnement dans la limite des crédits de "
                                "l'année précédente ; en investissement, dans la limite du "
                                "quart des crédits, sur autorisation du conseil.</p>"
                            ),
                        },
                        {
                            "question": "Faut-il un débat d'orientation budgétaire ?",
                            "answer": _text("<p>Seulement à partir de 3 500 habitants.</p>"),
                        },
                    ]
                },
            ),
        ],
    },
    {
        "slug": "trier-les-archives-communales",
        "title": "Trier les archives communales",
        "intro": "Conserver, éliminer, verser : la méthode pour un tri conforme et sans stress.",
        "clubs": ["archivistes"],
        "category": ("archives", "Archives"),
        "body": [
            (
                "rich_text",
                _text(
                    "<p>Les archives communales sont des archives publiques : aucune élimination "
                    "sans le visa du directeur des archives départementales.</p>"
                ),
            ),
            ("heading", "La méthode"),
            (
                "steps",
                {
                    "steps": [
                        {"title": "Identifier les documents et leurs dates"},
                        {
                            "title": "Appliquer les durées d'utilité administrative",
                            "text": _text(
                                "<p>Suivez l'instruction de tri des archives communales de "
                                "2014.</p>"
                            ),
                        },
                        {
                            "title": "Établir le bordereau d'élimination",
                            "text": _text("<p>L'envoyer pour visa avant toute destruction.</p>"),
                        },
                        {"title": "Détruire de façon sécurisée et garder le bordereau visé"},
                    ]
                },
            ),
            (
                "table",
                {
                    "caption": "Quelques durées d'utilité administrative",
                    "columns": [
                        {"type": "text", "heading": "Document"},
                        {"type": "text", "heading": "Durée"},
                        {"type": "text", "heading": "Sort final"},
                    ],
                    "rows": [
                        {"values": ["Registres d'état civil", "Illimitée", "Conservation"]},
                        {"values": ["Factures et mandats", "10 ans", "Élimination"]},
                        {"values": ["Délibérations du conseil", "Illimitée", "Conservation"]},
                    ],
                },
            ),
            (
                "notice",
                {
                    "kind": "info",
                    "text": _text(
                        "<p>Les archives départementales proposent des visites de conseil "
                        "gratuites.</p>"
                    ),
                },
            ),
        ],
    },
    {
        "slug": "passer-un-marche-a-procedure-adaptee",
        "title": "Passer un marché à procédure adaptée",
        "intro": "Sous les seuils européens, la MAPA laisse de la souplesse, pas de l'arbitraire.",
        "clubs": ["acheteurs-publics"],
        "category": ("commande-publique", "Commande publique"),
        "body": [
            (
                "rich_text",
                _text(
                    "<p>La procédure adaptée s'applique aux marchés dont la valeur estimée est "
                    "inférieure aux seuils européens. L'acheteur en fixe librement les "
                    "modalités, dans le respect des principes de la commande publique.</p>"
                ),
            ),
            (
                "steps",
                {
                    "steps": [
                        {"title": "Définir précisément le besoin"},
                        {
                            "title": "Choisir la publicité adaptée au montant",
                            "text": _text(
                                "<p>Au-delà de 90 000 € HT : BOAMP ou journal d'annonces "
                                "légales.</p>"
                            ),
                        },
                        {"title": "Analyser les offres selon des critères annoncés"},
                        {"title": "Informer les candidats non retenus"},
                    ]
                },
            ),
            (
                "faq",
                {
                    "questions": [
                        {
                            "question": "Peut-on négocier en MAPA ?",
                            "answer": _text(
                                "<p>Oui, si la possibilité a été annoncée dans les documents "
                                "de la consultation.</p>"
                            ),
                        },
                    ]
                },
            ),
        ],
    },
    {
        "slug": "bien-utiliser-entre-pairs",
        "title": "Bien utiliser Entre pairs",
        "intro": "Poser une question, retenir une réponse, suivre un fil : l'essentiel en 5 min.",
        "clubs": [],
        "category": ("prise-en-main", "Prise en main"),
        "body": [
            (
                "steps",
                {
                    "steps": [
                        {"title": "Cherchez si la question a déjà été posée dans votre club"},
                        {
                            "title": "Ouvrez un fil avec un titre clair",
                            "text": _text(
                                "<p>« Tarif de la cantine pour les non-résidents » plutôt "
                                "que « Question ».</p>"
                            ),
                        },
                        {
                            "title": "Retenez la réponse qui vous a aidé",
                            "text": _text(
                                "<p>Le fil apparaît alors comme résolu pour les collègues.</p>"
                            ),
                        },
                    ]
                },
            ),
            (
                "notice",
                {
                    "kind": "info",
                    "text": _text(
                        "<p>Ce que vous écrivez n'est lu que par les membres de votre club.</p>"
                    ),
                },
            ),
        ],
    },
]
