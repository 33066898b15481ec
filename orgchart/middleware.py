"""Each request computes a person's roles once (orgchart.selectors.grants_scope): the page or
API view, its permission check and the service under it share them."""

from __future__ import annotations

from .selectors import grants_scope


class GrantsScopeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with grants_scope():
            return self.get_response(request)
