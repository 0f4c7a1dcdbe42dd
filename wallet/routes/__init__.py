"""HTTP routes of the wallet: the JSON API (``api_*``), the public share links and pages."""
