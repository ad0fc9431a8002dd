# tinyforge's long-running controller as a container image.
#
#   docker build -t tinyforge .
#   docker run -d --name tinyforge --restart unless-stopped \
#     -v /var/run/docker.sock:/var/run/docker.sock \
#     --group-add "$(stat -c %g /var/run/docker.sock)" \
#     -v "$PWD/manifests:/manifests:ro" -v tinyforge-state:/var/lib/tinyforge \
#     tinyforge
#
# Docker reads a manifest's host paths (hostPath volumes, a Static's folder) as the
# controller sees them: for those, mount the manifests at their host path instead, e.g.
# `-v /srv/manifests:/srv/manifests:ro` and append `run --manifests /srv/manifests ...`.
#
# Mounting the Docker socket gives the container root-equivalent access to the host:
# see the README's "Running tinyforge in a container".
#
# BASE: the Node image of both stages. PACKAGE: where /opt/tinyforge (tinyforge installed
# as `npm install --global` installs it, with its production dependencies) comes from:
# the `build` stage below, from this checkout; a test (test/e2e/container-image.test.ts)
# builds the same image with a Node base and a package made from local parts, since no
# registry can be reached there.
ARG BASE=node:24-slim
ARG PACKAGE=build

FROM ${BASE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json README.md ./
COPY src ./src
COPY schemas ./schemas
# The package npm would publish (dist, schemas), installed globally under /opt/tinyforge
# with its production dependencies; no install scripts (ssh2's optional native speed-up
# needs a compiler the runtime image has not got, and works without it).
RUN npm run build \
 && npm pack --silent \
 && npm install --global --prefix /opt/tinyforge --omit=dev --ignore-scripts --no-audit --no-fund ./tinyforge-*.tgz

FROM ${PACKAGE} AS package

FROM ${BASE}
COPY --from=package /opt/tinyforge /opt/tinyforge
ENV PATH=/opt/tinyforge/bin:$PATH
# The state folder belongs to the image's non-root user `node` (uid 1000); the Docker
# socket's group comes with `docker run --group-add`.
RUN mkdir -p /manifests /var/lib/tinyforge && chown node:node /var/lib/tinyforge
USER node
WORKDIR /var/lib/tinyforge
# The manifests (mount them, read-only is enough) and the state file with the controller
# key beside it (keep it on a volume: a new key disowns the containers of the old one).
VOLUME ["/manifests", "/var/lib/tinyforge"]
# /healthz: the loop ticked recently. Node 24 has fetch, so no curl is needed.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9090/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["tinyforge"]
CMD ["run", "--manifests", "/manifests", "--state", "/var/lib/tinyforge/state.json", "--health-addr", "127.0.0.1:9090", "--log-format", "json"]
