from django.urls import path

from .views import clubs, invitation_link, moderation, staff

app_name = "clubs"

club_path = "clubs/<slug:slug>/"
moderation_path = club_path + "moderation/"
invitation_path = "invitations/<str:token>/"

urlpatterns = [
    path("clubs/", clubs.directory, name="directory"),
    path(club_path, clubs.detail, name="detail"),
    path(club_path + "membres/", clubs.members, name="members"),
    path(club_path + "rejoindre/", clubs.request_join, name="request_join"),
    path(club_path + "demande/retirer/", clubs.withdraw_request, name="withdraw_request"),
    path(club_path + "quitter/", clubs.leave, name="leave"),
    path(moderation_path, moderation.moderation, name="moderation"),
    path(moderation_path + "invitations/", moderation.invitations, name="invitations"),
    path(
        moderation_path + "invitations/<int:pk>/renvoyer/",
        moderation.invitation_resend,
        name="invitation_resend",
    ),
    path(
        moderation_path + "invitations/<int:pk>/annuler/",
        moderation.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        moderation_path + "demandes/<int:pk>/",
        moderation.join_request_decide,
        name="join_request_decide",
    ),
    path(moderation_path + "membres/<int:pk>/role/", moderation.member_role, name="member_role"),
    path(
        moderation_path + "membres/<int:pk>/retirer/",
        moderation.member_remove,
        name="member_remove",
    ),
    path(moderation_path + "membres/<int:pk>/exclure/", moderation.member_ban, name="member_ban"),
    path(moderation_path + "exclusions/", moderation.bans, name="bans"),
    path(moderation_path + "exclusions/<int:pk>/lever/", moderation.unban, name="unban"),
    path(moderation_path + "journal/", moderation.audit_log, name="audit_log"),
    path("gestion/clubs/", staff.staff_clubs, name="staff_list"),
    path("gestion/clubs/nouveau/", staff.staff_create, name="staff_create"),
    path("gestion/clubs/<slug:slug>/", staff.staff_edit, name="staff_edit"),
    path("gestion/clubs/<slug:slug>/proprietaire/", staff.staff_name_owner, name="staff_owner"),
    path("gestion/clubs/<slug:slug>/archivage/", staff.staff_archive, name="staff_archive"),
    path(invitation_path, invitation_link.invitation, name="invitation"),
    path(
        invitation_path + "inscription/",
        invitation_link.invitation_signup,
        name="invitation_signup",
    ),
    path(
        invitation_path + "renouveler/",
        invitation_link.invitation_renewal,
        name="invitation_renewal",
    ),
]
