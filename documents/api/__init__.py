"""REST API v1 (design.md section 9): a thin face over ``documents.services`` and
``documents.selectors``. Views parse and shape; every rule lives in the layer below."""
