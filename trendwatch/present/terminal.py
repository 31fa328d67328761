"""Untrusted text made safe for a terminal.

Feed and post text can carry escape sequences: ``ESC[2J`` clears the screen,
``ESC]8;;http://evil BEL`` opens a hyperlink that hides where it points, ``ESC]0;…``
retitles the window, ``ESC]52;…`` writes the clipboard. ``printable`` removes every
escape sequence (7-bit ``ESC …`` and 8-bit C1 forms) and every other C0/C1 control
character, so text printed by the CLI is only text. Printable Unicode is kept as
it is, including right-to-left text and the direction marks (U+200E/U+200F/U+061C)
it needs.
"""

from __future__ import annotations

import re

# ESC- and C1-introduced strings (OSC, DCS, SOS, PM, APC) run to their terminator
# (BEL or ST = ESC \ or U+009C), or to the end of the text when unterminated
_STRING = r"(?:\x1b[\]P X^_]|[\x9d\x90\x98\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
# CSI (ESC [ or U+009B): parameters, intermediates, one final byte
_CSI = r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
# any other escape: ESC, optional intermediates, one final byte (e.g. ESC c, ESC ( B)
_ESC = r"\x1b[ -/]*[0-~]?"
_SEQUENCE = re.compile(f"{_STRING}|{_CSI}|{_ESC}")
# what is left: C0 controls but tab and newline, DEL, C1 controls
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_NO_NEWLINES = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: object, *, newlines: bool = True) -> str:
    """``text`` without escape sequences or control characters.

    Tabs become spaces; carriage returns (which let text overwrite what is already
    on the line) become newlines. With ``newlines=False`` line breaks become spaces too,
    for one-line places such as table cells.
    """
    value = text if isinstance(text, str) else str(text)
    if not _CONTROL_NO_NEWLINES.search(value):
        return value
    value = _SEQUENCE.sub("", value)
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    if not newlines:
        value = value.replace("\n", " ")
    return _CONTROL.sub("", value)
