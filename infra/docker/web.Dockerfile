# The web tier with its embedded silo: the published artifact (artifacts/publish/web) on a Debian base,
# with the .NET runtime the artifact was built for. Built by infra/docker/build.sh, which prepares the
# context (app/ and dotnet/); no registry is needed, the base is a build argument.
ARG BASE=grader/base:bookworm
FROM ${BASE}
# libldap for LDAP sign-in; the rest of what .NET needs is in the minimal base.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends libldap-2.5-0 ca-certificates >/dev/null \
 && rm -rf /var/lib/apt/lists/*
COPY dotnet/ /usr/share/dotnet/
RUN ln -sf /usr/share/dotnet/dotnet /usr/bin/dotnet
COPY app/ /opt/grader/web/
WORKDIR /opt/grader/web
# The runner reaches its host's engine through the mounted socket (-v /var/run/docker.sock:...), which is
# root-equivalent on that host whoever the user is; run it with the host's network so the web tier and
# the silo bind the host's loopback and reach student containers on the host's student bridge.
ENV ASPNETCORE_ENVIRONMENT=Production DOTNET_NOLOGO=1 Docker__Endpoint=unix:///var/run/docker.sock
EXPOSE 8080
ENTRYPOINT ["dotnet", "Grader.Web.dll"]
