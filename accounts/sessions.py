"""The session engine: Django's database sessions, stored in accounts.Session with the person
they belong to (from the session's own ``_auth_user_id``) and where they were opened."""

from __future__ import annotations

import datetime

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.utils.dateparse import parse_datetime

#: Session keys written at sign-in (accounts.receivers) and copied into columns.
IP_KEY = "_signin_ip"
AGENT_KEY = "_signin_agent"
AT_KEY = "_signin_at"


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls):
        from .models import Session

        return Session

    def create_model_instance(self, data):
        obj = super().create_model_instance(data)
        user_id = data.get(SESSION_KEY)
        try:
            obj.user_id = int(user_id) if user_id is not None else None
        except (TypeError, ValueError):
            obj.user_id = None
        obj.ip = data.get(IP_KEY) or None
        obj.user_agent = str(data.get(AGENT_KEY, ""))[:200]
        at = data.get(AT_KEY)
        obj.signed_in_at = parse_datetime(at) if isinstance(at, str) else None
        if obj.signed_in_at is not None and obj.signed_in_at.tzinfo is None:
            obj.signed_in_at = obj.signed_in_at.replace(tzinfo=datetime.UTC)
        return obj
