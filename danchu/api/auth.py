from __future__ import annotations

from ninja.security import HttpBearer

from danchu.accounts.services import user_for_token


class BearerToken(HttpBearer):
    """`Authorization: Bearer <key>` from `danchu token create USERNAME`.

    A token is issued by an operator to a known user; it stands in for the second
    factor, so officer permissions apply without an OTP step.
    """

    def authenticate(self, request, token: str):
        user = user_for_token(token)
        if user is None:
            return None
        user.api_token_verified = True
        request.user = user
        return user


class OptionalBearer(BearerToken):
    """Public endpoints: a valid token adds the user; no token means anonymous."""

    def __call__(self, request):
        header = request.headers.get("Authorization")
        if not header:
            return True
        return super().__call__(request)
