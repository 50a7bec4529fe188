"""Services that never answer: the discard port (9) on loopback."""

# A Redis cache nobody answers, failing within 0.2 s.
CACHE = {
    "BACKEND": "django_redis.cache.RedisCache",
    "LOCATION": "redis://127.0.0.1:9/0",
    "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
}
