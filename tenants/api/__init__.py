"""The operator API's marketplaces (/api/v1/operator/ on the operator host):
``tenants/api/urls.py``; the operator's log-in and tokens are accounts'
(``accounts/api/operator.py``)."""
