"""Random names: the alphabet and suffixes of k8s.io/apimachinery ``pkg/util/rand`` (``utilrand``), and
``generateName`` as k8s.io/apiserver ``pkg/storage/names/generate.go`` (``SimpleNameGenerator``) fills it in.

Every random name part a cluster prints comes from here: the 5 characters after a ``generateName`` prefix (Pods
of a ReplicaSet, EndpointSlices) and the ``kube-api-access-<5 characters>`` volume of the ServiceAccount
admission plugin. Both draw from the API server's seeded generator, so the same seed and the same requests
give the same names.

>>> import random
>>> generate_name("web-7d8c7dc949-", random.Random(0))
'web-7d8c7dc949-rc7dq'
"""

from __future__ import annotations

import random

__all__ = ["ALPHANUMS", "random_suffix", "generate_name", "MAX_GENERATED_NAME_LENGTH", "RANDOM_LENGTH"]

#: ``utilrand`` alphabet: no vowels (no accidental words), no confusable 0/1/3.
ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789"
#: ``names.randomLength``: characters appended to a ``generateName`` prefix.
RANDOM_LENGTH = 5
#: ``names.MaxGeneratedNameLength``: 63 - 5, so that prefix + suffix stay a valid DNS label.
MAX_GENERATED_NAME_LENGTH = 63 - RANDOM_LENGTH


def random_suffix(rng: random.Random, n: int = RANDOM_LENGTH) -> str:
    """``utilrand.String(n)``: ``n`` characters from :data:`ALPHANUMS`, 5 bits at a time from 63-bit draws.

    >>> random_suffix(random.Random(0))
    'rc7dq'
    """
    out = []
    bits = rng.getrandbits(63)
    remaining = 12  # maxAlphanumsPerInt = 63 / 5
    while len(out) < n:
        if remaining == 0:
            bits, remaining = rng.getrandbits(63), 12
        idx = bits & 0x1F
        if idx < len(ALPHANUMS):
            out.append(ALPHANUMS[idx])
        bits >>= 5
        remaining -= 1
    return "".join(out)


def generate_name(base: str, rng: random.Random) -> str:
    """``SimpleNameGenerator.GenerateName``: ``base`` cut to :data:`MAX_GENERATED_NAME_LENGTH` characters, plus
    :data:`RANDOM_LENGTH` random ones.

    >>> name = generate_name("x" * 70, random.Random(0))
    >>> len(name), name[-5:]
    (63, 'rc7dq')
    """
    return base[:MAX_GENERATED_NAME_LENGTH] + random_suffix(rng, RANDOM_LENGTH)
