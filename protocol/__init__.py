"""The wire contract shared by kiosks and the hub: topics, envelope, messages.

Light imports only (pydantic, uuid6): kiosks and hubs both load it.
"""
