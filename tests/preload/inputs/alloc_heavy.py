# Allocation-heavy Python for the LD_PRELOAD test: dicts, lists, strings, sets, bytes, growth and
# shrinking; prints sizes and a digest so the runs on glibc and on refalloc can be compared.
# Run with PYTHONMALLOC=malloc so every object goes through malloc, and PYTHONHASHSEED=0.
import collections
import hashlib
import json
import random

rng = random.Random(20261127)
h = hashlib.sha256()

d = {}
for i in range(80000):
    d["key%d" % i] = [i, str(i) * (i % 7), {"v": i, "w": (i, i + 1)}]
for i in range(0, 80000, 2):
    del d["key%d" % i]
h.update(json.dumps(sorted(d.items())[:2000]).encode())

chunks = []
for i in range(30000):
    s = "".join(chr(97 + rng.randrange(26)) for _ in range(rng.randrange(1, 30)))
    chunks.append(s * rng.randrange(1, 5))
chunks.sort()
h.update("\n".join(chunks).encode())

big = "".join(chunks)
h.update(big.upper().encode())
counts = collections.Counter(big)
h.update(repr(sorted(counts.items())).encode())

words = set(chunks)
pairs = {(w[:3], len(w)) for w in words}
h.update(repr(sorted(pairs)[:5000]).encode())

buf = bytearray()
for i in range(10000):
    buf += bytes([i % 251]) * (i % 300)
h.update(hashlib.sha256(buf).digest())
del buf

nums = [rng.random() for _ in range(150000)]
nums.sort()
h.update(repr(nums[::1000]).encode())

tree = {}
for i in range(30000):
    node = tree
    for part in ("%05d" % rng.randrange(100000))[:3]:
        node = node.setdefault(part, {})
    node.setdefault("leaf", []).append(i)
h.update(json.dumps(tree, sort_keys=True).encode())

print(len(d), len(chunks), len(big), len(words), len(pairs), len(nums))
print(h.hexdigest())
