from django.urls import path

from . import views

app_name = "clubs"

club = "clubs/<slug:slug>/"
moderation = club + "moderation/"
invitation = "invitations/<str:token>/"

urlpatterns = [
    path("clubs/", views.directory, name="directory"),
    path(club, views.detail, name="detail"),
    path(club + "membres/", views.members, name="members"),
    path(club + "rejoindre/", views.request_join, name="request_join"),
    path(club + "demande/retirer/", views.withdraw_request, name="withdraw_request"),
    path(club + "quitter/", views.leave, name="leave"),
    path(moderation, views.moderation, name="moderation"),
    path(moderation + "invitations/", views.invitations, name="invitations"),
    path(
        moderation + "invitations/<int:pk>/renvoyer/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        moderation + "invitations/<int:pk>/annuler/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(moderation + "demandes/<int:pk>/", views.join_request_decide, name="join_request_decide"),
    path(moderation + "membres/<int:pk>/role/", views.member_role, name="member_role"),
    path(moderation + "membres/<int:pk>/retirer/", views.member_remove, name="member_remove"),
    path(moderation + "membres/<int:pk>/exclure/", views.member_ban, name="member_ban"),
    path(moderation + "exclusions/", views.bans, name="bans"),
    path(moderation + "exclusions/<int:pk>/lever/", views.unban, name="unban"),
    path(moderation + "journal/", views.audit_log, name="audit_log"),
    path("gestion/clubs/", views.staff_clubs, name="staff_list"),
    path("gestion/clubs/nouveau/", views.staff_create, name="staff_create"),
    path("gestion/clubs/<slug:slug>/", views.staff_edit, name="staff_edit"),
    path("gestion/clubs/<slug:slug>/proprietaire/", views.staff_name_owner, name="staff_owner"),
    path("gestion/clubs/<slug:slug>/archivage/", views.staff_archive, name="staff_archive"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("invitations/<str:token>/inscription/", views.invitation_signup, name="invitation_signup"),
    path(
        "invitations/<str:token>/renouveler/", views.invitation_renewal, name="invitation_renewal"
    ),
]
