# AuthCache silo image: the Orleans silo that hosts the grains (token cache, JWKS per issuer, user profiles).
#
# The build context is the repository root:
#   docker build -f deploy/docker/Silo.Dockerfile -t authcache/silo:0.1.0 .
#
# Ports: 8080 HTTP (health, metrics, dashboard), 11111 silo-to-silo, 30000 client gateway.

# One SDK/runtime line for both stages; override with --build-arg DOTNET_TAG=10.0-noble or a digest-pinned tag.
ARG DOTNET_TAG=10.0

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_TAG} AS build
ARG CONFIGURATION=Release
ENV DOTNET_NOLOGO=1 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
WORKDIR /src

# Restore layer: only the files that decide the package graph (central package versions, shared build
# properties and the project files of the silo and of every project it references), so the NuGet download is
# cached until one of them changes. Keep this list in sync with the ProjectReference closure of
# src/Silo/AuthCache.Silo.csproj: deploy/validate checks it.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/GrainInterfaces/AuthCache.GrainInterfaces.csproj src/GrainInterfaces/
COPY src/Core/AuthCache.Core.csproj src/Core/
COPY src/Grains/AuthCache.Grains.csproj src/Grains/
COPY src/AspNetCore/AuthCache.AspNetCore.csproj src/AspNetCore/
COPY src/Hosting/AuthCache.Hosting.csproj src/Hosting/
COPY src/Silo/AuthCache.Silo.csproj src/Silo/
RUN dotnet restore src/Silo/AuthCache.Silo.csproj

COPY src/ src/
# bin/ and obj/ of a developer's work tree must never reach the build: they are excluded by
# Silo.Dockerfile.dockerignore, and removed here too for builders that do not read Dockerfile-specific ignore
# files. Publishing restores again, which resolves entirely from the package cache of the layer above.
RUN find src -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} + \
 && dotnet publish src/Silo/AuthCache.Silo.csproj \
      --configuration "${CONFIGURATION}" \
      --output /app/publish \
      -p:UseAppHost=false \
      -p:ContinuousIntegrationBuild=true

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_TAG} AS runtime
LABEL org.opencontainers.image.title="authcache-silo" \
      org.opencontainers.image.description="AuthCache Orleans silo: JWT validation cache grains" \
      org.opencontainers.image.licenses="UNLICENSED"
WORKDIR /app
# ASPNETCORE_HTTP_PORTS is already 8080 in the official images; it is set again so the contract is explicit.
ENV ASPNETCORE_HTTP_PORTS=8080 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
EXPOSE 8080 11111 30000
# The published files stay owned by root and are only readable by the app user: the process cannot rewrite
# its own binaries, and the Kubernetes manifests also mount the root file system read-only.
COPY --from=build /app/publish ./
# APP_UID (1654) is the non-root "app" user of the official .NET images. A numeric USER lets Kubernetes'
# runAsNonRoot verify it without reading /etc/passwd.
USER $APP_UID
ENTRYPOINT ["dotnet", "AuthCache.Silo.dll"]
