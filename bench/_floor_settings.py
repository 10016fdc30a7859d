"""Settings of the server that bench/ballots.py starts: danchu's own, with one more endpoint.

Not a program. `_floor_urls` adds POST /bench/write/, the floor under any vote: the same
middleware as every page (session, CSRF check), one row INSERTed and COMMITted, a two-byte
answer. No vote can cost the server less, so the benchmark prints its rate beside the votes'.
"""

from danchu.settings import *  # noqa: F403

ROOT_URLCONF = "_floor_urls"
