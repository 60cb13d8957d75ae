"""Readers of instrument files, used by ``fastilt.iltload(data_path=...)``.

One module per format (GeoSpec, Spinsolve, Tecmag, minispec, Bruker TopSpin,
BES3T); :mod:`.registry` recognises a file or folder by its content.  Each
reader returns the data in physical units with the metadata described in
:mod:`.measurement`.  Bruker TopSpin and Tecmag need nmrglue (``fastilt[io]``).
"""

from .measurement import zero_order_phase
from .registry import detect, read, supported_formats

__all__ = ["detect", "read", "supported_formats", "zero_order_phase"]
