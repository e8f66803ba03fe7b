"""The dashboard's forms. Each validates what a browser sends as the API's serializer would
and hands its cleaned data to the same service; the service's refusals come back onto the
form (themes.pages.common.form_refusal)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bookings.services.messages import MAX_BODY
from bookings.services.reviews import MAX_REVIEW_TEXT

SCORES = [(score, str(score)) for score in range(5, 0, -1)]


class StepForm(forms.Form):
    """What a step may carry (bookings.api.serializers.TransitionInputSerializer): a reason
    (decline, cancel) or a message (a revision request)."""

    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    message = forms.CharField(label=_("What should change?"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 4}))  # fmt: skip

    def __init__(self, *args, text_field: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name != text_field:
                del self.fields[name]

    def step_data(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if value}


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), required=False, max_length=MAX_BODY,
                           widget=forms.Textarea(attrs={"rows": 4}))  # fmt: skip
    attachment = forms.FileField(
        label=_("Attachment (optional)"),
        required=False,
        help_text=_("An image (JPEG, PNG, WebP, GIF) or a PDF."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,"
                                                         "image/gif,application/pdf"}),
    )  # fmt: skip


class ReviewForm(forms.Form):
    """bookings.api.reviews.ReviewInputSerializer as a form: an overall rating and three
    optional sub-ratings from 1 to 5, and a text."""

    rating = forms.TypedChoiceField(label=_("Overall"), choices=SCORES, coerce=int,
                                    widget=forms.RadioSelect)  # fmt: skip
    professionalism = forms.TypedChoiceField(
        label=_("Professionalism"), choices=SCORES, coerce=int, required=False,
        empty_value=None, widget=forms.RadioSelect,
    )  # fmt: skip
    communication = forms.TypedChoiceField(
        label=_("Communication"), choices=SCORES, coerce=int, required=False,
        empty_value=None, widget=forms.RadioSelect,
    )  # fmt: skip
    value = forms.TypedChoiceField(
        label=_("Value for money"), choices=SCORES, coerce=int, required=False,
        empty_value=None, widget=forms.RadioSelect,
    )  # fmt: skip
    text = forms.CharField(label=_("Your review (optional)"), required=False,
                           max_length=MAX_REVIEW_TEXT,
                           widget=forms.Textarea(attrs={"rows": 5}))  # fmt: skip


class NotificationReadForm(forms.Form):
    """Mark one notification read (``id``) or all of them (``all``)."""

    id = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    all = forms.BooleanField(required=False)
