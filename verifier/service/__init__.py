"""The HTTP API and help-site page (``verifier serve``); extra ``wallet-support-verifier[server]``."""

from verifier.service.allowlist_reload import LiveAllowlist
from verifier.service.app import ServiceSettings, create_app, create_service

__all__ = ["LiveAllowlist", "ServiceSettings", "create_app", "create_service"]
