"""The marketplace's theme, for its staff: read it, change it, preview a draft's CSS without
saving it, and upload its logo, favicon and hero image."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from api.inputs import validated
from api.parsers import JSONParser
from api.permissions import IsMarketplaceStaff
from api.responses import FORBIDDEN, INVALID, NOT_FOUND, UNAUTHENTICATED, error
from themes.css import COLOUR_TOKENS, CUSTOM_CSS_MAX_BYTES
from themes.fonts import FONT_CHOICES
from themes.models import Theme
from themes.selectors.themes import theme_get, theme_preview
from themes.services.files import FILE_KINDS, theme_file_clear, theme_file_set
from themes.services.themes import MAX_RADIUS, theme_update

TAGS = ["theme"]
HEX = r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$"
CONTRAST = error(
    "`contrast_too_low`: a text/background pair reads below WCAG AA (4.5:1); `details.pairs` "
    "names each (scheme, pair, foreground, background, ratio, required)."
)


class ColoursSerializer(serializers.Serializer):
    primary = serializers.RegexField(HEX)
    accent = serializers.RegexField(HEX)
    background = serializers.RegexField(HEX)
    surface = serializers.RegexField(HEX)
    text = serializers.RegexField(HEX)
    muted = serializers.RegexField(HEX)
    success = serializers.RegexField(HEX)
    danger = serializers.RegexField(HEX)


assert tuple(ColoursSerializer().fields) == COLOUR_TOKENS


def _texts(limit: int) -> serializers.Serializer:
    """A text per language of the site (settings.LANGUAGES), each optional."""
    fields = {
        code: serializers.CharField(max_length=limit, allow_blank=True, required=False)
        for code, _name in settings.LANGUAGES
    }
    texts = type(f"Texts{limit}Serializer", (serializers.Serializer,), fields)
    return texts(required=False, help_text="By language code.")


class ThemeChangeSerializer(serializers.Serializer):
    dark_mode = serializers.BooleanField(
        required=False, help_text="Dark is the default scheme (else light, following the "
        "visitor's dark preference)."
    )  # fmt: skip
    light = ColoursSerializer(required=False)
    dark = ColoursSerializer(required=False)
    font_heading = serializers.ChoiceField(choices=FONT_CHOICES, required=False)
    font_body = serializers.ChoiceField(choices=FONT_CHOICES, required=False)
    radius = serializers.IntegerField(min_value=0, max_value=MAX_RADIUS, required=False)
    hero_title = _texts(120)
    hero_subtitle = _texts(240)
    custom_css = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False,
        help_text=f"At most {CUSTOM_CSS_MAX_BYTES} bytes; no @import, no URL of another host, "
        "no expression()/javascript:, no `<` or backslash.",
    )  # fmt: skip


class ThemeSerializer(ThemeChangeSerializer):
    logo = serializers.CharField(allow_null=True)
    favicon = serializers.CharField(allow_null=True)
    hero_image = serializers.CharField(allow_null=True)
    stylesheet = serializers.CharField(help_text="The address of the theme's CSS.")
    fonts = serializers.ListField(child=serializers.CharField(), help_text="Fonts served.")
    updated_at = serializers.DateTimeField()


class PreviewSerializer(serializers.Serializer):
    css = serializers.CharField()


class ThemeFileSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="JPEG, PNG, WebP or GIF.")


def _url(field) -> str | None:
    return field.url if field else None


def theme_body(theme: Theme) -> dict:
    return {
        "dark_mode": theme.dark_mode,
        "light": theme.light,
        "dark": theme.dark,
        "font_heading": theme.font_heading,
        "font_body": theme.font_body,
        "radius": theme.radius,
        "hero_title": theme.hero_title,
        "hero_subtitle": theme.hero_subtitle,
        "custom_css": theme.custom_css,
        "logo": _url(theme.logo),
        "favicon": _url(theme.favicon),
        "hero_image": _url(theme.hero_image),
        "stylesheet": f"{reverse('theme-css')}?v={theme.version}",
        "fonts": FONT_CHOICES,
        "updated_at": theme.updated_at,
    }


EXAMPLE = {"light": {"primary": "#1D4ED8", "accent": "#B45309", "background": "#FFFFFF",
           "surface": "#F5F5F5", "text": "#111111", "muted": "#555555",
           "success": "#15803D", "danger": "#B91C1C"},
           "radius": 12, "hero_title": {"en": "Book the best", "ar": "احجز الأفضل"}}  # fmt: skip


class ThemeView(APIView):
    permission_classes = [IsMarketplaceStaff]

    @extend_schema(
        tags=TAGS,
        summary="The marketplace's theme.",
        responses={200: ThemeSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN},
    )
    def get(self, request):
        return Response(ThemeSerializer(theme_body(theme_get())).data)

    @extend_schema(
        tags=TAGS,
        summary="Change the theme: the fields sent replace theirs, the others are kept.",
        description="Refused as a whole, saving nothing, when a text/background pair of either "
        "scheme reads below WCAG AA: text on background and on surface, the button's text "
        "(white, else the background) on primary, muted on background.",
        request=ThemeChangeSerializer,
        responses={200: ThemeSerializer, 400: INVALID, 401: UNAUTHENTICATED, 403: FORBIDDEN,
                   422: CONTRAST},
        examples=[OpenApiExample("New colours", request_only=True, value=EXAMPLE)],
    )  # fmt: skip
    def put(self, request):
        changes = validated(ThemeChangeSerializer, request.data).validated_data
        theme = theme_update(actor=request.user, **changes)
        return Response(ThemeSerializer(theme_body(theme)).data)


class ThemePreviewView(APIView):
    permission_classes = [IsMarketplaceStaff]

    @extend_schema(
        tags=TAGS,
        summary="The CSS the theme would have with these changes (the live preview); "
        "nothing is saved.",
        request=ThemeChangeSerializer,
        responses={200: PreviewSerializer, 400: INVALID, 401: UNAUTHENTICATED, 403: FORBIDDEN,
                   422: CONTRAST},
    )  # fmt: skip
    def post(self, request):
        changes = validated(ThemeChangeSerializer, request.data).validated_data
        return Response({"css": theme_preview(changes=changes)})


class ThemeFileView(APIView):
    permission_classes = [IsMarketplaceStaff]
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    KIND = OpenApiParameter(
        "kind", str, OpenApiParameter.PATH, enum=list(FILE_KINDS), description="Which file."
    )

    @extend_schema(
        tags=TAGS,
        summary="Upload the logo, favicon or hero image (multipart `file`).",
        parameters=[KIND],
        request={"multipart/form-data": ThemeFileSerializer},
        responses={200: ThemeSerializer, 400: INVALID, 401: UNAUTHENTICATED, 403: FORBIDDEN,
                   404: NOT_FOUND},
    )  # fmt: skip
    def post(self, request, kind: str):
        self._known(kind)
        upload = validated(ThemeFileSerializer, request.data).validated_data["file"]
        theme = theme_file_set(actor=request.user, kind=kind, upload=upload)
        return Response(ThemeSerializer(theme_body(theme)).data)

    @extend_schema(
        tags=TAGS,
        summary="Remove the logo, favicon or hero image.",
        parameters=[KIND],
        responses={204: None, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def delete(self, request, kind: str):
        self._known(kind)
        theme_file_clear(actor=request.user, kind=kind)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @staticmethod
    def _known(kind: str) -> None:
        from rest_framework.exceptions import NotFound

        if kind not in FILE_KINDS:
            raise NotFound()
