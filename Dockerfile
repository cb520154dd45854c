# Concord server image: the same offline worker build as `npm start`, without Redis or Chromium.
FROM node:20-bookworm
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY client/package.json client/
COPY tests/package.json tests/
COPY scripts scripts
RUN bash scripts/setup.sh --server
COPY . .
RUN npx vite build client --logLevel warn
ENV NODE_ENV=production
EXPOSE 3000
CMD ["bash", "-c", "source scripts/lib.sh && MEDIASOUP_WORKER_BIN=$(worker_bin_path) exec node --import tsx server/src/main.ts"]
