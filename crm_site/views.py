from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def home(request):
    """Start page: the menu and a short overview."""
    return render(request, "home.html")
