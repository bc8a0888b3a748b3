"""tests/reliability/flip.py FILE DATASET — flip one byte inside the stored
data of DATASET (not its metadata): the offset comes from h5py, the
dataset's own offset when contiguous, its first chunk's when chunked."""
import sys

import h5py

path, name = sys.argv[1], sys.argv[2]
with h5py.File(path, "r") as f:
    d = f[name]
    if d.chunks:
        info = d.id.get_chunk_info(0)
        off, size = info.byte_offset, info.size
    else:
        off, size = d.id.get_offset(), d.id.get_storage_size()
if off is None or size == 0:
    sys.exit(f"flip.py: {name} has no stored data")
with open(path, "r+b") as f:
    f.seek(off + size // 2)
    b = f.read(1)
    f.seek(off + size // 2)
    f.write(bytes([b[0] ^ 0x5A]))
