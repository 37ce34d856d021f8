# One image for the api, worker and scheduler processes; docker-compose.yml
# picks each one's command.
FROM node:20-slim AS build
WORKDIR /app
# Dependencies first, so that a source change reuses this layer.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build \
  && npm prune --omit=dev --no-audit --no-fund \
  && rm -rf dist/test dist/.tsbuildinfo

FROM node:20-slim
ENV NODE_ENV=production PORT=8080
WORKDIR /app
COPY --from=build /app /app
USER node
EXPOSE 8080
CMD ["node", "dist/src/api/server.js"]
