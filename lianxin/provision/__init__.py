"""``lianxin provision``: credentials, certificates and broker config for a deployment."""
