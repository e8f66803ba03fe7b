from django.shortcuts import render

from themes.models import Theme


def home(request):
    return render(request, "themes/home.html", {"theme": Theme.objects.first()})
