# SpotifyWorker container: `docker build -t spotify-worker .` at the repository root.
#
# Base images: .NET 10 publishes no Debian images; its default `10.0` tags are Ubuntu 24.04 "noble".
# What matters is glibc: DuckDB ships no musl build, so Alpine cannot load libduckdb.so. The published worker
# is self-contained (Worker.csproj: the runtime and the app precompiled as one composite image, for start-up),
# so the final stage is runtime-deps: the runtime's native dependencies without a second copy of the runtime.
# Tags are pinned to the distro so that a change of Microsoft's default distro does not change ours silently.

FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
WORKDIR /src
# Restore first, from the project files alone, so that a source-only change reuses the restore layer.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Pipeline/Pipeline.csproj src/Pipeline/
COPY src/Worker/Worker.csproj src/Worker/
RUN dotnet restore src/Worker/Worker.csproj -r linux-x64
COPY src/ src/
# Self-contained for linux-x64 (Worker.csproj sets it whenever there is a runtime identifier, so the restore above
# already fetched the runtime pack); only the linux-x64 libduckdb.so is kept.
RUN dotnet publish src/Worker/Worker.csproj -c Release -r linux-x64 --no-restore -o /app

FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble AS runtime
# .NET 9+ images no longer install zlib, but the worker P/Invokes libz.so.1 to decode .csv.gz drops
# (VerifiedGzipStream); install it explicitly and fail the build if it is still not loadable.
RUN apt-get update \
    && apt-get install -y --no-install-recommends zlib1g \
    && rm -rf /var/lib/apt/lists/* \
    && ldconfig -p | grep -q 'libz.so.1'

WORKDIR /app
COPY --from=build /app ./

# The only writable place the worker needs: DuckDB spill and staging, the heartbeat file, and .NET's own
# temp files (diagnostics socket). Everything else can be mounted read-only (ECS: readonlyRootFilesystem).
# The task definition mounts a task-local bind volume here; declaring the folder as a VOLUME, created and
# owned by `app` in the image, is what makes Fargate create that volume writable by `app` rather than root.
# TMPDIR points .NET's Path.GetTempPath() at it.
RUN mkdir -p /tmp/spotifyworker && chown app:app /tmp/spotifyworker
VOLUME ["/tmp/spotifyworker"]
ENV TMPDIR=/tmp/spotifyworker \
    Pipeline__DuckDb__TempDirectory=/tmp/spotifyworker/duckdb \
    Pipeline__Health__HeartbeatFile=/tmp/spotifyworker/heartbeat

# The images' built-in non-root user (uid 1654).
USER app

# `health` exits 0 while the running service's heartbeat file is fresh. ECS ignores HEALTHCHECK and uses
# the task definition's healthCheck, which runs the same command.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["/app/SpotifyWorker", "health"]

ENTRYPOINT ["/app/SpotifyWorker"]
CMD ["run"]
