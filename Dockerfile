# syntax=docker/dockerfile:1
# invex: one image for the API (`serve`) and the workers (`worker`). See docs/deployment.md.

# --- deps: production node_modules (prebuilt sharp, canvas and onnxruntime CPU binaries for linux-x64) ---
FROM node:20-bookworm-slim AS deps
WORKDIR /app
# onnxruntime-node's install script downloads CUDA libraries; the CPU build ships in the package.
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime: sources run by tsx (no build step to go stale), as the unprivileged `node` user ---
FROM node:20-bookworm-slim AS runtime
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    INVEX_DATA_DIR=/data \
    INVEX_HOST=0.0.0.0 \
    INVEX_PORT=8080
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
# .dockerignore lets through only package.json, bin/, src/, workers/, schemas/ and models/.
COPY --chown=root:root . .
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
# tini: forwards SIGTERM to node (graceful shutdown) and reaps the sandboxed processor children.
ENTRYPOINT ["tini", "--", "node", "bin/invex.js"]
CMD ["serve"]
