"""The Content-Security-Policy middleware (django-csp), with one case of our own: the flow
charts viewflow draws are SVG documents whose colours are an inline <style> of their own. An
SVG answer gets inline styles and no script at all; every other answer the policy in
CONTENT_SECURITY_POLICY (config/settings.py)."""

from __future__ import annotations

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts


class PolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if response.get("Content-Type", "").startswith("image/svg+xml"):
            parts.replace = {
                **(parts.replace or {}),
                "script-src": [NONE],
                "style-src": [SELF, UNSAFE_INLINE],
            }
        return parts
