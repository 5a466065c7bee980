"""Django's Redis cache backend, keeping one redis-py client per connection pool.

Django's own client builds a new ``redis.Redis`` for every cache call, and building one fills a
table of some 160 response callbacks: on loopback that costs more than the round trip to Redis
itself, and a cached public page makes two calls (bench/run.py measured 0.15 ms of a 0.7 ms
cached page). A client only holds its pool and those callbacks, and redis-py clients are safe to
share between threads, so one per pool is enough.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, servers, **options):
        super().__init__(servers, **options)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class SharedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
