"""The one page ``verifier scan --online`` reads (``fetch_page``), off unless asked for; the
fetching itself, bounded and public-address-only, is ``verifier.net``'s."""

from verifier.enrich.page import FetchError, Page, fetch_page

__all__ = ["FetchError", "Page", "fetch_page"]
