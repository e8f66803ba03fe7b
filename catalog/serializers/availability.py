"""Weekly hours, availability entries and the provider calendar."""

from __future__ import annotations

from rest_framework import serializers

from catalog.models import (
    AvailabilityEntry,
    WeeklyHours,
)


class WeeklyHoursSerializer(serializers.ModelSerializer):
    weekday = serializers.IntegerField(min_value=0, max_value=6, help_text="0 = Monday.")

    class Meta:
        model = WeeklyHours
        fields = ["weekday", "start_time", "end_time"]


class AvailabilityEntrySerializer(serializers.ModelSerializer):
    start_time = serializers.TimeField(required=False, allow_null=True, default=None)
    end_time = serializers.TimeField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=140, required=False, allow_blank=True, default="")

    class Meta:
        model = AvailabilityEntry
        fields = ["id", "date", "start_time", "end_time", "status", "note"]
        read_only_fields = ["id"]


class DateRangeSerializer(serializers.Serializer):
    # "from" is a keyword: the field is named in the view through `source`.
    start = serializers.DateField()
    end = serializers.DateField()


class CalendarSlotSerializer(serializers.Serializer):
    start = serializers.CharField(help_text="HH:MM")
    end = serializers.CharField(help_text="HH:MM; 24:00 is the end of the day.")


class CalendarDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    status = serializers.ChoiceField(choices=["available", "unavailable", "blocked"])
    slots = CalendarSlotSerializer(many=True)


class CalendarSerializer(serializers.Serializer):
    provider = serializers.IntegerField()
    days = CalendarDaySerializer(many=True)
