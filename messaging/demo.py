"""Demonstration discussions. Runs after clubs.demo (its clubs and members exist).

Threads are written through `messaging.actions`, so that their HTML, mentions, subscriptions and
read states are what real use would leave; only the long « fil ouvert » of 2,000 short posts is
bulk-created, for speed. Idempotent: a thread is looked up by club and title and skipped if it
exists, so a second run changes nothing. A reply of the canteen thread carries a small PDF (a
model deliberation), built here and uploaded through the same checks as a member's file.
"""

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from clubs.models import Club
from community.models import User

from . import actions, markdown
from .models import Post, ReadState, Thread, ThreadSubscription

OWNER = "equipe@demo.test"  # Marc Dubois, GIP staff, owner of every demo club

WELCOME_TITLE = "Bienvenue dans le club : mode d'emploi"
LONG_THREAD_TITLE = "Questions du quotidien (fil ouvert)"
LONG_THREAD_SIZE = 2000


@dataclass(frozen=True)
class DemoThread:
    title: str
    #: (author's email, Markdown). The first one opens the thread. `@{email}` becomes the
    #: mention of that member (`@` followed by their handle).
    posts: tuple[tuple[str, str], ...]
    #: How long ago the thread started, and the hours between posts.
    days_ago: float
    hours_between: float = 3
    pinned: bool = False
    #: Index (in `posts`) of the answer the thread's author accepted.
    accepted: int | None = None
    #: (index in `posts`, email, reaction kind).
    reactions: tuple[tuple[int, str, str], ...] = field(default=())
    #: (index in `posts`, file name, builder of the file's bytes): files sent with that post.
    attachments: tuple[tuple[int, str, Callable[[], bytes]], ...] = field(default=())


def _welcome(club_name: str, reply: tuple[str, str]) -> DemoThread:
    return DemoThread(
        title=WELCOME_TITLE,
        pinned=True,
        days_ago=60,
        hours_between=26,
        posts=(
            (
                OWNER,
                f"Bonjour à toutes et à tous, et bienvenue dans le club **{club_name}** !\n\n"
                "## Comment ça marche\n\n"
                "- Ouvrez un **fil de discussion** par question : un titre clair aide les "
                "collègues à la retrouver plus tard.\n"
                "- Écrivez `@` suivi de l'identifiant d'un membre pour le **mentionner** : "
                "il ou elle reçoit une notification.\n"
                "- Quand une réponse a résolu votre question, marquez-la comme "
                "**réponse retenue** : elle s'affiche en tête du fil.\n"
                "- **Suivez** un fil pour être prévenu·e des nouveaux messages, ou mettez-le "
                "en sourdine.\n"
                "- Un message vous semble déplacé ? **Signalez**-le : la modération s'en "
                "occupe.\n\n"
                "## Quelques règles\n\n"
                "1. On reste courtois, entre collègues.\n"
                "2. Pas de données personnelles d'administrés (noms, adresses, actes…).\n"
                "3. Citez vos sources quand vous le pouvez (article de code, circulaire, "
                "guide) : cela aide tout le monde.\n\n"
                "Les guides pratiques de l'équipe du GIP complètent ces échanges. "
                "Bonnes discussions !",
            ),
            reply,
        ),
        reactions=((0, reply[0], "merci"),),
    )


# --- A model deliberation, as a one-page PDF ----------------------------------------------------

CANTEEN_MODEL_NAME = "Modele-deliberation-tarifs-cantine.pdf"
CANTEEN_MODEL_LINES = (
    ("F2", 15, "Modèle de délibération : tarifs de la cantine"),
    ("F1", 11, ""),
    ("F1", 11, "Commune de ........................   Séance du conseil du .. / .. / ...."),
    ("F1", 11, "Délibération n° ........"),
    ("F1", 11, ""),
    ("F2", 11, "Objet : fixation des tarifs de la restauration scolaire"),
    ("F1", 11, ""),
    ("F1", 11, "Le conseil municipal,"),
    ("F1", 11, "Vu le code général des collectivités territoriales (article L2121-29) ;"),
    ("F1", 11, "Vu le code de l'éducation, notamment ses articles R531-52 et R531-53 ;"),
    ("F1", 11, "Considérant que les tarifs ne peuvent excéder le coût par usager du service ;"),
    ("F1", 11, "Après en avoir délibéré,"),
    ("F1", 11, ""),
    ("F2", 11, "DÉCIDE :"),
    ("F1", 11, "Article 1 : à compter du 1er septembre, le prix du repas est fixé comme suit :"),
    ("F1", 11, "    - repas enfant : 3,40 € ;"),
    ("F1", 11, "    - repas adulte : 5,80 € ;"),
    ("F1", 11, "    - repas enfant au tarif réduit (quotient familial inférieur à ...) : 1,00 €."),
    ("F1", 11, "Article 2 : la délibération n° ........ du .. / .. / .... est abrogée."),
    ("F1", 11, "Article 3 : le maire est chargé de l'exécution de la présente délibération."),
    ("F1", 11, ""),
    ("F1", 11, "Fait et délibéré les jour, mois et an susdits."),
    ("F1", 11, "Le maire,"),
)


def _pdf_text(text: str) -> bytes:
    """A PDF literal string, in the WinAnsi encoding of the standard fonts."""
    encoded = text.encode("cp1252")
    return b"(" + encoded.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def one_page_pdf(lines: tuple[tuple[str, int, str], ...], *, title: str) -> bytes:
    """A minimal, valid one-page A4 PDF showing `lines` of (font F1 regular or F2 bold, size,
    text), with a correct cross-reference table: readers open it without repairing it."""
    content = [b"BT", b"72 770 Td"]
    for font, size, text in lines:
        content.append(f"/{font} {size} Tf {round(size * 1.45)} TL".encode())
        content.append(_pdf_text(text) + b" Tj T*")
    content.append(b"ET")
    stream = b"\n".join(content)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Title " + _pdf_text(title) + b" /Producer (Entre pairs) >>",
    ]
    pdf = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n" % (len(objects) + 1)
    pdf += b"0000000000 65535 f \n"
    for offset in offsets:
        pdf += b"%010d 00000 n \n" % offset
    pdf += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\n" % (
        len(objects) + 1,
        len(objects),
    )
    pdf += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(pdf)


def canteen_model_pdf() -> bytes:
    return one_page_pdf(CANTEEN_MODEL_LINES, title="Modèle de délibération : tarifs de la cantine")


THREADS: dict[str, tuple[DemoThread, ...]] = {
    "secretaires-de-mairie": (
        _welcome(
            "Secrétaires de mairie",
            ("isabelle.garnier@demo.test", "Merci pour cet accueil ! Ravie de vous rejoindre."),
        ),
        DemoThread(
            title="Délibération pour le tarif de la cantine",
            days_ago=12,
            hours_between=5,
            accepted=2,
            posts=(
                (
                    "secretaire@demo.test",
                    "Bonjour à toutes et à tous,\n\n"
                    "Le maire souhaite passer le repas de la cantine de **3,20 €** à "
                    "**3,40 €** à la rentrée de septembre. Faut-il une délibération du "
                    "conseil municipal, ou un arrêté du maire suffit-il ?\n\n"
                    "Merci d'avance pour vos retours !",
                ),
                (
                    "isabelle.garnier@demo.test",
                    "Chez nous, c'est une délibération chaque année, au conseil de juin, "
                    "avec la grille complète (repas enfant, repas adulte, tarif du quotient "
                    "familial). Je vous joins notre modèle, à adapter à votre commune.",
                ),
                (
                    "moderatrice@demo.test",
                    "Les tarifs de la restauration scolaire sont fixés par la collectivité qui "
                    "en a la charge (art. R531-52 du code de l'éducation) : c'est donc le "
                    "**conseil municipal**, par délibération.\n\n"
                    "Deux nuances :\n\n"
                    "1. si le conseil a délégué au maire la fixation des tarifs "
                    "(art. L2122-22, 2° du CGCT), une **décision du maire** suffit, dans les "
                    "limites fixées par la délégation — relisez la délibération de délégation "
                    "prise en début de mandat ;\n"
                    "2. le tarif ne peut pas dépasser le coût par usager du service "
                    "(art. R531-53 du même code).\n\n"
                    "Dans les deux cas, pensez à la transmission au contrôle de légalité et à "
                    "l'affichage avant la rentrée.",
                ),
                (
                    "secretaire@demo.test",
                    "Merci @{moderatrice@demo.test}, c'est très clair ! Notre délégation ne "
                    "vise que les concessions au cimetière : je prépare donc la délibération "
                    "pour le conseil du 16 juin.",
                ),
            ),
            reactions=(
                (2, "secretaire@demo.test", "merci"),
                (2, "thomas.girard@demo.test", "pouce"),
                (1, "secretaire@demo.test", "pouce"),
            ),
            attachments=((1, CANTEEN_MODEL_NAME, canteen_model_pdf),),
        ),
        DemoThread(
            title="Durée de conservation des registres d'état civil",
            days_ago=5,
            hours_between=7,
            posts=(
                (
                    "thomas.girard@demo.test",
                    "Notre local d'archives déborde. Combien de temps doit-on garder les "
                    "registres d'état civil en mairie ? Peut-on en éliminer une partie, ou "
                    "les envoyer aux archives départementales ?",
                ),
                (
                    "moderatrice@demo.test",
                    "Aucune élimination possible : les registres d'état civil se conservent "
                    "**définitivement**.\n\n"
                    "Pour une commune de moins de 2 000 habitants, le dépôt aux archives "
                    "départementales est obligatoire pour les registres les plus anciens "
                    "(art. L212-11 du code du patrimoine) ; au-delà, il reste possible par "
                    "convention. Le service des archives départementales vous dira quoi "
                    "préparer (bordereau de dépôt, conditionnement).",
                ),
                (
                    "secretaire@demo.test",
                    "Appelez-les sans hésiter : chez nous, l'archiviste itinérante du centre "
                    "de gestion est venue nous aider à trier le reste du local. Les registres "
                    "récents restent en mairie pour la délivrance des copies et extraits.",
                ),
            ),
            reactions=((1, "thomas.girard@demo.test", "merci"),),
        ),
    ),
    "archivistes": (
        _welcome(
            "Archivistes",
            ("helene.fournier@demo.test", "Bonjour à tous, au plaisir d'échanger ici !"),
        ),
        DemoThread(
            title="Tri des dossiers de permis de construire",
            days_ago=9,
            hours_between=6,
            accepted=1,
            posts=(
                (
                    "archiviste@demo.test",
                    "Bonjour,\n\n"
                    "On me demande de faire de la place dans les dossiers d'urbanisme "
                    "(1970-2000). Que garde-t-on des **permis de construire** ? Tout, ou "
                    "seulement les permis accordés ?",
                ),
                (
                    "helene.fournier@demo.test",
                    "Les permis **accordés** se conservent définitivement. Pour les refus, "
                    "les demandes retirées et les pièces en double, reportez-vous au tableau "
                    "de gestion de l'instruction sur les archives communales.\n\n"
                    "Et surtout : **toute élimination** passe par un bordereau d'élimination "
                    "visé par le directeur des archives départementales, *avant* la "
                    "destruction.",
                ),
                (
                    "pierre.lambert@demo.test",
                    "Chez nous : classement par année puis par numéro de dossier, plans "
                    "compris. Attention aux pièces complémentaires arrivées après le dépôt, "
                    "souvent rangées à part.",
                ),
            ),
            reactions=(
                (1, "archiviste@demo.test", "merci"),
                (1, "pierre.lambert@demo.test", "pouce"),
            ),
        ),
        DemoThread(
            title="Archivage électronique des délibérations : par où commencer ?",
            days_ago=3,
            hours_between=9,
            posts=(
                (
                    "pierre.lambert@demo.test",
                    "Nos délibérations sont signées électroniquement depuis deux ans. "
                    "Comment les archivez-vous ? Un système d'archivage électronique "
                    "mutualisé, ou une solution maison ?",
                ),
                (
                    "archiviste@demo.test",
                    "Nous passons par le SAE mutualisé proposé par notre syndicat "
                    "informatique. Commencez par l'inventaire des flux (délibérations, "
                    "arrêtés, actes budgétaires) et des formats : c'est ce qui prend le plus "
                    "de temps.",
                ),
            ),
        ),
    ),
    "acheteurs-publics": (
        _welcome(
            "Acheteurs publics",
            ("camille.rousseau@demo.test", "Merci, et bonjour à toutes et à tous !"),
        ),
        DemoThread(
            title="Seuils des marchés publics en 2026",
            days_ago=20,
            hours_between=20,
            posts=(
                (
                    "acheteur@demo.test",
                    "Voici mon aide-mémoire des seuils pour les **collectivités** "
                    "(montants hors taxes) :\n\n"
                    "| Seuil | Montant HT |\n"
                    "|:------|-----------:|\n"
                    "| Dispense de publicité et de mise en concurrence | 40 000 € |\n"
                    "| Publicité au BOAMP ou dans un JAL (MAPA) | 90 000 € |\n"
                    "| Procédure formalisée — fournitures et services | 216 000 € |\n"
                    "| Procédure formalisée — travaux | 5 404 000 € |\n\n"
                    "Les seuils européens sont révisés tous les deux ans, au 1er janvier. "
                    "Vérifiez toujours sur le site de la "
                    "[direction des affaires juridiques](https://www.economie.gouv.fr/daj) "
                    "avant de lancer une consultation.",
                ),
                (
                    "camille.rousseau@demo.test",
                    "Merci Sophie, je l'imprime ! Pour les syndicats comme celui d'Antoine, "
                    "attention : les **entités adjudicatrices** ont leurs propres seuils, "
                    "plus élevés pour les fournitures et services.",
                ),
                (
                    "antoine.mercier@demo.test",
                    "Bien vu, merci à vous deux. Je vérifie notre guide interne de la "
                    "commande publique cette semaine.",
                ),
            ),
            reactions=(
                (0, "camille.rousseau@demo.test", "merci"),
                (0, "antoine.mercier@demo.test", "bravo"),
            ),
        ),
        DemoThread(
            title="MAPA travaux : publicité adaptée ?",
            days_ago=7,
            hours_between=4,
            accepted=1,
            posts=(
                (
                    "antoine.mercier@demo.test",
                    "Bonjour,\n\n"
                    "Nous lançons la réfection d'une voirie, estimée à **180 000 € HT**, en "
                    "procédure adaptée. Quelle publicité faut-il ? Le BOAMP est-il "
                    "obligatoire, ou notre profil d'acheteur suffit-il ?",
                ),
                (
                    "camille.rousseau@demo.test",
                    "Entre 90 000 € HT et les seuils européens, un MAPA doit faire l'objet "
                    "d'un avis publié **au BOAMP ou dans un journal habilité à recevoir des "
                    "annonces légales**, en plus du profil d'acheteur (art. R2131-12 du code "
                    "de la commande publique). Selon l'objet, une publication spécialisée "
                    "peut compléter.\n\n"
                    "Et à partir de 40 000 € HT, les documents de la consultation sont mis à "
                    "disposition sur le profil d'acheteur (art. R2132-2).",
                ),
                (
                    "acheteur@demo.test",
                    "Je confirme, et je conseille de laisser un délai de réponse raisonnable "
                    "pour des travaux : trois à quatre semaines, pour que les petites "
                    "entreprises locales puissent répondre.",
                ),
            ),
            reactions=((1, "antoine.mercier@demo.test", "merci"),),
        ),
    ),
    "referents-rgpd": (
        _welcome(
            "Référents RGPD",
            ("laurence.blanc@demo.test", "Merci ! Je partagerai ici nos fiches pratiques."),
        ),
    ),
}

#: The demo account who reads the long thread (and finds a few unread posts in it).
LONG_THREAD_READER = "secretaire@demo.test"
LONG_THREAD_UNREAD = 12
LONG_THREAD_AUTHORS = (
    "moderatrice@demo.test",
    "secretaire@demo.test",
    "isabelle.garnier@demo.test",
    "thomas.girard@demo.test",
)
LONG_THREAD_TEXTS = (
    "Quelqu'un a un modèle d'arrêté de circulation pour un déménagement ?",
    "Oui, je vous le dépose dans les guides dès que possible.",
    "Le logiciel d'état civil est très lent ce matin, c'est pareil chez vous ?",
    "Chez nous aussi, l'éditeur dit que c'est en cours de correction.",
    "Rappel : les listes électorales se ferment six semaines avant le scrutin.",
    "Merci pour le rappel !",
    "Comment gérez-vous les demandes de location de la salle des fêtes ?",
    "Un formulaire papier et un calendrier partagé, tout simplement.",
    "Le PES est passé sans erreur ce mois-ci, c'est une première 🎉",
    "Bravo !",
    "Quelqu'un a déjà fait une délibération pour le RIFSEEP d'un agent à temps non complet ?",
    "Oui, au prorata du temps de travail. Je peux vous envoyer la nôtre.",
    "Le centre de gestion organise une formation sur l'urbanisme en ligne le mois prochain.",
    "Inscrite, merci de l'info.",
    "Comment archivez-vous les courriels importants ?",
    "On les enregistre en PDF dans le dossier de l'affaire.",
    "Les cartes d'identité : toujours trois semaines d'attente chez vous ?",
    "Plutôt cinq ici, depuis le printemps.",
    "Bonne journée à toutes et à tous !",
    "Question bête : un certificat de vie commune, ça existe encore ?",
    "La mairie n'est plus tenue de le délivrer : une attestation sur l'honneur suffit souvent.",
    "La trésorerie demande une pièce justificative en plus pour les indemnités des élus.",
    "Laquelle ? On a eu la même demande la semaine dernière.",
    "La délibération fixant les taux, tout simplement.",
    "Avez-vous reçu la circulaire sur le recensement de la population ?",
    "Pas encore, je regarde demain.",
    "Le recensement citoyen des jeunes de 16 ans : vous faites une relance ?",
    "Oui, un courrier le mois de leurs 16 ans.",
    "Merci pour vos réponses, ce fil est précieux.",
    "Le conseil municipal peut-il se réunir dans une autre salle que la mairie ?",
    "Oui, dans un lieu de la commune qui garantit neutralité, accessibilité et publicité.",
    "Petite astuce : la touche F5 recharge le tableau de bord du logiciel de paie.",
    "Quelqu'un connaît un bon guide sur les concessions funéraires ?",
    "Celui de l'association des maires du département est très bien fait.",
    "Le budget primitif est voté, ouf !",
    "Félicitations, ici c'est la semaine prochaine.",
    "Comment gérez-vous les horaires d'ouverture pendant l'été ?",
    "Matinées seulement en août, affichées dès juin.",
    "Attention, nouvelle version du formulaire de déclaration préalable.",
    "Merci, je mets à jour nos dossiers.",
)


# --- Helpers ------------------------------------------------------------------------------------


def _users(emails) -> dict[str, User]:
    users = User.objects.select_related("profile").filter(email__in=set(emails))
    return {user.email: user for user in users}


def _with_mentions(text: str, users: dict[str, User]) -> str:
    for email, user in users.items():
        text = text.replace(f"@{{{email}}}", f"@{user.profile.handle}")
    return text


def _backdate(thread: Thread, posts: list[Post], start, step: timedelta) -> None:
    """Spread the posts from `start`, one every `step`, as if written over days."""
    for index, post in enumerate(posts):
        post.created_at = start + index * step
    Post.objects.bulk_update(posts, ["created_at"])
    Thread.objects.filter(pk=thread.pk).update(
        created_at=posts[0].created_at, last_activity_at=posts[-1].created_at
    )


def _uploads(spec: DemoThread, index: int) -> list[SimpleUploadedFile]:
    """The files sent with the post at `index`, as a browser would upload them."""
    return [
        SimpleUploadedFile(name, build(), content_type=mimetypes.guess_type(name)[0] or "")
        for at, name, build in spec.attachments
        if at == index
    ]


def _seed_thread(club: Club, spec: DemoThread, now, log) -> None:
    emails = [email for email, _text in spec.posts] + [email for _i, email, _k in spec.reactions]
    users = _users(emails + [OWNER])
    author_email, first_text = spec.posts[0]
    thread = actions.start_thread(
        author=users[author_email],
        club=club,
        title=spec.title,
        source=_with_mentions(first_text, users),
        uploads=_uploads(spec, 0),
    )
    posts = [thread.posts.get()]
    for index, (email, text) in enumerate(spec.posts[1:], start=1):
        posts.append(
            actions.post_reply(
                author=users[email],
                thread=thread,
                source=_with_mentions(text, users),
                uploads=_uploads(spec, index),
            )
        )
    for index, email, kind in spec.reactions:
        actions.toggle_reaction(user=users[email], post=posts[index], kind=kind)
    if spec.accepted is not None:
        actions.accept_answer(user=users[author_email], post=posts[spec.accepted])
    if spec.pinned:
        actions.set_pinned(moderator=users[OWNER], thread=thread, pinned=True)
    _backdate(
        thread, posts, now - timedelta(days=spec.days_ago), timedelta(hours=spec.hours_between)
    )
    log(f"fil créé : « {spec.title} » ({club.name}, {len(posts)} messages)")


def _seed_long_thread(club: Club, now, log) -> None:
    """2,000 short posts over the past six weeks, bulk-created: each distinct text is rendered
    once (they mention nobody), and the thread's summary is set from what was written."""
    users = _users(LONG_THREAD_AUTHORS)
    authors = [users[email] for email in LONG_THREAD_AUTHORS]
    rendered = {text: markdown.render(text).html for text in LONG_THREAD_TEXTS}
    start = now - timedelta(weeks=6)
    step = (now - timedelta(hours=2) - start) / LONG_THREAD_SIZE
    thread = Thread.objects.create(
        club=club, title=LONG_THREAD_TITLE, author=authors[0], created_at=start
    )
    # The reader wrote none of the last posts: those are the ones she has not read yet.
    others = [user for user in authors if user.email != LONG_THREAD_READER]
    posts = []
    for index in range(LONG_THREAD_SIZE):
        text = LONG_THREAD_TEXTS[index % len(LONG_THREAD_TEXTS)]
        if index >= LONG_THREAD_SIZE - LONG_THREAD_UNREAD:
            author = others[index % len(others)]
        else:
            author = authors[(index * 3 + index // len(authors)) % len(authors)]
        posts.append(
            Post(
                thread=thread,
                author=author,
                source=text,
                html=rendered[text],
                created_at=start + index * step,
            )
        )
    Post.objects.bulk_create(posts, batch_size=500)
    ids = list(thread.posts.order_by("id").values_list("id", "author_id"))
    last = thread.posts.order_by("-id").first()
    assert last is not None  # the posts just made
    Thread.objects.filter(pk=thread.pk).update(
        post_count=len(ids), last_post=last, last_activity_at=last.created_at
    )
    # What writing would have left: authors follow the thread and have read up to their last
    # post; the demo reader has a few unread posts waiting.
    last_by_author = {}
    for post_id, author_id in ids:
        last_by_author[author_id] = post_id
    reader = users[LONG_THREAD_READER]
    last_by_author[reader.pk] = ids[-LONG_THREAD_UNREAD - 1][0]
    ThreadSubscription.objects.bulk_create(
        ThreadSubscription(user_id=author.pk, thread=thread, level=ThreadSubscription.Level.FOLLOW)
        for author in authors
    )
    ReadState.objects.bulk_create(
        ReadState(user_id=user_id, thread=thread, last_read_post_id=post_id)
        for user_id, post_id in last_by_author.items()
    )
    log(f"fil créé : « {LONG_THREAD_TITLE} » ({club.name}, {len(ids)} messages)")


# --- Entry point --------------------------------------------------------------------------------


def seed(log) -> None:
    now = timezone.now()
    clubs = Club.objects.in_bulk(list(THREADS), field_name="slug")
    for slug, specs in THREADS.items():
        club = clubs.get(slug)
        if club is None:
            continue
        existing = set(Thread.objects.filter(club=club).values_list("title", flat=True))
        for spec in specs:
            if spec.title not in existing:
                _seed_thread(club, spec, now, log)
        if slug == "secretaires-de-mairie" and LONG_THREAD_TITLE not in existing:
            _seed_long_thread(club, now, log)
