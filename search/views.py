from django.shortcuts import render

from .forms import SearchForm
from .sources import search as search_sources


def search(request):
    """The search page: the form alone, its errors, or the results grouped by type."""
    form = SearchForm(request.GET or None, user=request.user)
    groups = None
    if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
        groups = search_sources(
            request.user,
            form.criteria(),
            only=form.cleaned_data["type"],
            page_number=request.GET.get("page"),
        )
    return render(
        request,
        "search/search.html",
        {
            "form": form,
            "groups": groups,
            "total": sum(group.count for group in groups or ()),
            "chosen": form.cleaned_data.get("type", "") if form.is_bound else "",
        },
    )
