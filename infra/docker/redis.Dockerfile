# Redis from Debian's own package, with AOF (Orleans membership must survive a restart).
ARG BASE=grader/base:bookworm
FROM ${BASE}
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends redis-server >/dev/null \
 && rm -rf /var/lib/apt/lists/*
RUN mkdir -p /data && chown redis:redis /data
VOLUME /data
EXPOSE 6379
USER redis
ENTRYPOINT ["redis-server", "--bind", "0.0.0.0", "--protected-mode", "no", "--appendonly", "yes", "--dir", "/data", "--save", ""]
