"""The operator API (/api/v1/operator/ on the operator host): ``tenants/api/urls.py``."""
