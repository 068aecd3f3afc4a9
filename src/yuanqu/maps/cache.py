"""The file cache of the map's vector tiles: Django's file-based cache, shared by the server processes of a
host, that checks its size on one write in a hundred rather than on every write, and does not compress again
what is compressed already."""

from __future__ import annotations

import pickle
import random
import zlib

from django.core.cache.backends.filebased import FileBasedCache


class TileFileCache(FileBasedCache):
    """FileBasedCache whose culling (a listing of the whole directory: some 18 ms at 20,000 tiles) runs on one
    ``set`` in CULL_EVERY; the cache may overshoot MAX_ENTRIES by about that many files in between."""

    CULL_EVERY = 100
    COMPRESS_LEVEL = 0
    """zlib level of the stored values: none, as the tiles come gzip-compressed already (see tiles.parcel_tile);
    reading decompresses any level alike."""

    def _write_content(self, file, timeout, value):
        expiry = self.get_backend_timeout(timeout)
        file.write(pickle.dumps(expiry, self.pickle_protocol))
        file.write(zlib.compress(pickle.dumps(value, self.pickle_protocol), self.COMPRESS_LEVEL))

    def _cull(self):
        if random.random() * self.CULL_EVERY < 1:
            super()._cull()
