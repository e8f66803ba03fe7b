from django.urls import path

from realtime.api import tickets

urlpatterns = [
    path("realtime/tickets/", tickets.TicketView.as_view(), name="realtime-ticket"),
]
