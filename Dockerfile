# bigr: the control plane image (`bigr serve`, the default and last target) and the site
# agent image (target `agent`).
#
#   docker build -t bigr .
#   docker run -p 8090:8090 -e DATABASE_URL=... -e BIGR_ADMIN_PASSWORD=... bigr
#
#   docker build --target agent -t bigr-agent .
#   docker run --rm -v bigr-agent:/var/lib/bigr -e BIGR_ENROLL_TOKEN=bigr_enr_… bigr-agent \
#     agent register --api-url https://SERVER --site SITE --name NAME
#   docker run -d --name bigr-agent --restart unless-stopped --network host \
#     --cap-add NET_RAW --cap-add NET_ADMIN -v bigr-agent:/var/lib/bigr bigr-agent
#
# The agent needs the host's network (ARP and ICMP see only the network the container is on)
# and the two raw-socket capabilities, nothing more: it runs as the unprivileged user 10001,
# the binary carries NET_RAW/NET_ADMIN as file capabilities, and --cap-add puts them in the
# container's bounding set. In a container the agent is updated with the image: keep the
# site's auto-update off for it (an update downloaded into the volume would lose the file
# capabilities).
#
# Over plain HTTP (no TLS in front) set BIGR_COOKIE_SECURE=false, or the browser drops the
# session cookie: the server listens on 0.0.0.0 here, so cookies default to Secure.

# --- 1. the Vue SPA -> /src/web/dist --------------------------------------------------------
FROM node:20-bookworm-slim AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build

# --- 2. the Rust sources on a toolchain with libpcap (both binaries build from here) ----------
FROM rust:1.95-bookworm AS rust-base
# libpcap-dev: the pcap crate links -lpcap (ARP discovery). pkg-config finds it. libcap2-bin:
# setcap, for the agent's file capabilities.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpcap-dev pkg-config libcap2-bin \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# tests/ is needed even for a release build: Cargo.toml declares test and bench targets there,
# and cargo refuses a manifest whose target paths are missing.
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY migration ./migration
COPY assets ./assets
COPY tests ./tests

# --- 2a. the server binary --------------------------------------------------------------------
FROM rust-base AS build
# The SPA is embedded into the binary at compile time.
COPY --from=web /src/web/dist ./web/dist
RUN cargo build --release --locked --bin bigr

# --- 2b. the site agent binary: no server, no dashboard, profile dist-agent ---------------------
FROM rust-base AS build-agent
RUN cargo build --profile dist-agent --locked --no-default-features --bin bigr \
    && setcap cap_net_raw,cap_net_admin+ep target/dist-agent/bigr

# --- 3. what both images run on: libpcap and the bigr user ------------------------------------
FROM debian:bookworm-slim AS runtime-base
# libpcap0.8: runtime library of the pcap crate; ca-certificates: TLS to the server and to
# PostgreSQL (Neon). Versions follow the bookworm point release of the base image.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpcap0.8 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid 10001 bigr \
    && useradd --no-log-init --create-home --home-dir /var/lib/bigr \
        --uid 10001 --gid 10001 --shell /usr/sbin/nologin bigr
# Config, agent state and the SQLite database (when DATABASE_URL is not set) live here.
ENV BIGR_HOME=/var/lib/bigr
WORKDIR /var/lib/bigr

# --- 3a. the agent image (docker build --target agent) ----------------------------------------
FROM runtime-base AS agent
# COPY keeps the file capabilities set in the build stage (they live in an xattr).
COPY --from=build-agent /src/target/dist-agent/bigr /usr/local/bin/bigr
VOLUME ["/var/lib/bigr"]
USER 10001:10001
ENTRYPOINT ["bigr"]
CMD ["agent", "start", "--foreground"]

# --- 3b. the control plane image (the default target) -----------------------------------------
FROM runtime-base
COPY --from=build /src/target/release/bigr /usr/local/bin/bigr
# Mount a volume on /var/lib/bigr to keep a SQLite inventory across containers. The bigr
# user, by number so that runtimes checking runAsNonRoot can verify it.
USER 10001:10001
EXPOSE 8090
# Checks the default port. Render does its own check on healthCheckPath against $PORT.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["bigr", "health", "--url", "http://127.0.0.1:8090/api/health"]
ENTRYPOINT ["bigr"]
CMD ["serve", "--host", "0.0.0.0"]
