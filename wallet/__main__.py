"""``python -m wallet``: the wallet's command line."""

from .cli import main

main()
