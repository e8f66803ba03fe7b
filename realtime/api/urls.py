from django.urls import path

from realtime.api import socket_tickets

urlpatterns = [
    path("realtime/tickets/", socket_tickets.SocketTicketView.as_view(), name="realtime-ticket"),
]
