"""REST API v1 (docs/ARCHITECTURE.md): a thin face over ``documents.services`` and
``documents.selectors``. Views parse and shape; every rule lives in the layer below."""
