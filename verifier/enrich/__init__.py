"""Optional network checks, off unless the user asks for them (``--online``)."""

from verifier.enrich.page import FetchError, Page, fetch_page

__all__ = ["FetchError", "Page", "fetch_page"]
