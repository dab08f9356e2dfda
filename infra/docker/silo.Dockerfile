# A silo for one more Docker host: the published artifact (artifacts/publish/silo) on a Debian base.
# Built by infra/docker/build.sh. Run it with --network host and the host's Docker socket mounted:
#   docker run -d --network host -v /var/run/docker.sock:/var/run/docker.sock --env-file grader.env \
#     -e Cluster__SiloName=docker-host-2 -e Cluster__AdvertisedAddress=10.0.0.12 grader/silo
ARG BASE=grader/base:bookworm
FROM ${BASE}
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends libldap-2.5-0 ca-certificates >/dev/null \
 && rm -rf /var/lib/apt/lists/*
COPY dotnet/ /usr/share/dotnet/
RUN ln -sf /usr/share/dotnet/dotnet /usr/bin/dotnet
COPY app/ /opt/grader/silo/
WORKDIR /opt/grader/silo
ENV DOTNET_ENVIRONMENT=Production DOTNET_NOLOGO=1 Docker__Endpoint=unix:///var/run/docker.sock
ENTRYPOINT ["dotnet", "Grader.Silo.dll"]
