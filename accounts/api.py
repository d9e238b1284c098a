from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.decorators import api_view, authentication_classes, permission_classes, throttle_classes
from rest_framework.response import Response


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


@extend_schema(
    request=TokenRequestSerializer,
    responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
)
@api_view(["POST"])
@authentication_classes([])
@permission_classes([])
@throttle_classes([])
def obtain_token(request):
    """Exchange a username and password for an API token.

    Authentication goes through the plain Django request so that django-axes counts the
    failures and locks the account and the address out as it does for the log-in page.
    """
    params = TokenRequestSerializer(data=request.data)
    params.is_valid(raise_exception=True)
    user = authenticate(request._request, **params.validated_data)
    if user is None or not user.is_active:
        return Response(
            {"non_field_errors": ["Unable to log in with the username and password given."]},
            status=status.HTTP_400_BAD_REQUEST,
        )
    token, _ = Token.objects.get_or_create(user=user)
    return Response({"token": token.key})
