"""Zone regions of an older version of a document, carried onto the current text by line shifts.

Hover, `zonesAt` and code lenses must answer at once while the user types: instead of reparsing and
reclassifying on the request, they read the regions of the last classification with every edit
since applied as a line shift (an insertion of `d` lines at line `L` moves regions below `L` by `d`
and stretches a region that contains `L`). The next debounced analysis replaces them with exact ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pavedroad.analysis.model import Region

#: A shift that maps nothing (a whole-document replacement).
UNMAPPABLE = 1 << 30


def shift_regions(regions: Sequence[Region], shifts: Sequence[tuple[int, int]]
                  ) -> tuple[Region, ...] | None:
    """`regions` moved by `shifts` ((0-based line, lines added), oldest first); None when a
    shift cannot be mapped."""
    out = list(regions)
    for line, added in shifts:
        if added >= UNMAPPABLE:
            return None
        if added == 0:
            continue
        first = line + 1  # 1-based line of the edit
        moved = []
        for r in out:
            if r.start_line > first:
                moved.append(replace(r, start_line=max(1, r.start_line + added),
                                     end_line=max(1, r.end_line + added)))
            elif r.end_line >= first:
                moved.append(replace(r, end_line=max(r.start_line, r.end_line + added)))
            else:
                moved.append(r)
        out = moved
    return tuple(out)
