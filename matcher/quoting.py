"""Words a patient's text quotes from someone else.

Forum replies and e-mails quote the message they answer, each quoted line marked with ">" and
the block opened by whom it quotes: ``> Maggie1961 wrote: "Mine showed EF 45%"``, ``> On Mon, 30
Nov 2026, Marguerite Lavallée wrote:``. Those are that person's words, not facts of the patient
the text is about: read as the writer's, another member's ejection fraction of 45% turned a
patient away. Such a block (the attribution line and the ">" lines that follow it) is blanked
before reading, keeping every other character where it was. A quoted line with no attribution
("> Did I pass the bloodwork??", a patient's own question quoted by the nurse who answers it)
is kept, and so is a text that is all quotation, which has no words of its own to read instead.
"""
from __future__ import annotations

import re

# the line that opens a quoted block by whom it quotes: "> Jenny_B wrote:", "> On Mon, ... Kim R. wrote:"
_ATTRIBUTED = re.compile(r"^[ \t]*>[^\n]{0,120}?\bwrote[ \t]*:", re.I | re.M)
_QUOTED_LINE = re.compile(r"[ \t]*>")
_OWN_WORDS = 40  # letters outside quotation that a text must hold for its quotations to be set apart


def others_quoted(text: str) -> str:
    """``text`` with every block it quotes from a named other person blanked (same length)."""
    if "wrote" not in text or ">" not in text:
        return text
    starts = {m.start() for m in _ATTRIBUTED.finditer(text)}
    if not starts:
        return text
    lines = text.splitlines(keepends=True)
    blank, offset, quoting = [], 0, False
    for line in lines:
        if offset in starts:
            quoting = True
        elif not _QUOTED_LINE.match(line):
            quoting = False
        blank.append(quoting)
        offset += len(line)
    own = sum(ch.isalpha() for line, quoted in zip(lines, blank) if not quoted and not _QUOTED_LINE.match(line)
              for ch in line)
    if own < _OWN_WORDS:
        return text
    return "".join(re.sub(r"[^\n]", " ", line) if quoted else line for line, quoted in zip(lines, blank))
