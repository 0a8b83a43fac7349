"""``python -m matcher``: the ``matcher`` command."""
from .cli import main

main()
