"""matcher: a clinical-trial matching search index.

The Python API sites embed is :class:`matcher.service.Matcher`; the command
line is ``matcher`` (:mod:`matcher.cli`). See README.md for the manual.
"""

__version__ = "0.1.0"

from ._spacy_cli import defer as _defer_spacy_cli

_defer_spacy_cli()
