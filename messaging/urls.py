from django.urls import path

from . import composer_views, file_views, report_views, views

app_name = "messaging"

club = "clubs/<slug:slug>/"
thread = club + "fils/<int:pk>/"
post = club + "messages/<int:pk>/"

urlpatterns = [
    path("fils/non-lus/", views.unread_counts, name="unread_counts"),
    path(club + "fils/", views.thread_list, name="thread_list"),
    path(club + "fils/nouveau/", views.new_thread, name="new_thread"),
    path(thread, views.thread_page, name="thread"),
    path(thread + "repondre/", views.reply, name="reply"),
    path(thread + "suivi/", views.subscription, name="subscription"),
    path(thread + "epingler/", views.pin, name="pin"),
    path(thread + "verrouiller/", views.lock, name="lock"),
    path(thread + "deplacer/", views.move, name="move"),
    path(thread + "reponse-retenue/retirer/", views.unaccept, name="unaccept"),
    path(post, views.permalink, name="post"),
    path(post + "modifier/", views.edit_post, name="edit_post"),
    path(post + "historique/", views.post_history, name="post_history"),
    path(post + "supprimer/", views.delete_post, name="delete_post"),
    path(post + "masquer/", views.hide_post, name="hide_post"),
    path(post + "restaurer/", views.restore_post, name="restore_post"),
    path(post + "reaction/", views.react, name="react"),
    path(post + "reponse-retenue/", views.accept, name="accept"),
    path(post + "signaler/", report_views.report_post, name="report"),
    path(club + "moderation/signalements/", report_views.reports_queue, name="reports"),
    path(
        club + "moderation/signalements/<int:pk>/",
        report_views.resolve_report,
        name="resolve_report",
    ),
    path(club + "apercu/", composer_views.preview, name="preview"),
    path(thread + "apercu/", composer_views.thread_preview, name="thread_preview"),
    path(club + "mentions/", composer_views.mentions, name="mentions"),
    path(club + "pieces-jointes/<int:pk>/<str:name>", file_views.download, name="attachment"),
    path(club + "pieces-jointes/<int:pk>/apercu/", file_views.preview, name="attachment_preview"),
]
