"""The file cache of the map's vector tiles: Django's file-based cache, shared by the server processes of a
host, that checks its size on one write in a hundred rather than on every write."""

from __future__ import annotations

import random

from django.core.cache.backends.filebased import FileBasedCache


class TileFileCache(FileBasedCache):
    """FileBasedCache whose culling (a listing of the whole directory: some 18 ms at 20,000 tiles) runs on one
    ``set`` in CULL_EVERY; the cache may overshoot MAX_ENTRIES by about that many files in between."""

    CULL_EVERY = 100

    def _cull(self):
        if random.random() * self.CULL_EVERY < 1:
            super()._cull()
