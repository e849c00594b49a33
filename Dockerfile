# One image for every role of Gridgraph: the gateway, one provider subgraph, or everything in one
# container (README "Scale-out").
#   docker build -t gridgraph .
#   docker run -e ROLE=gateway -p 4000:4000 gridgraph
#   docker run -e ROLE=volue   -p 4002:4002 gridgraph      (also: openvolt, umeter, enerkey, intellimeter)
#   docker run -e ROLE=all     -p 4000:4000 gridgraph      (npm start's stack: simulators, subgraphs, gateway)
# or pass the role as the argument: docker run gridgraph volue

# Stage 1: every dependency (TypeScript among them), to compile the sources into dist/.
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json supergraph.graphql ./
COPY scripts ./scripts
COPY shared ./shared
COPY subgraphs ./subgraphs
COPY gateway ./gateway
RUN npm run build

# Stage 2, the image: the compiled dist/ (which carries supergraph.graphql and the playground's files)
# run by node, with production dependencies only: no TypeScript, no tsx, and none of the simulators'
# chart libraries (devDependencies; a simulator started here answers chart requests with 501).
FROM node:24-slim
WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    ROLE=gateway

# Dependencies first, so that a code change does not reinstall them. package.json also makes dist/'s
# files ES modules ("type": "module").
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist

# Without STORE_URL a subgraph keeps its state in an embedded store under DATA_DIR: writable by the
# node user, and a volume so that it outlives the container.
ENV DATA_DIR=/app/data
RUN mkdir -p /app/data && chown node:node /app/data && chmod 700 /app/data
VOLUME /app/data

USER node
EXPOSE 4000 4001 4002 4003 4004 4005
# The role is the first argument, else $ROLE: "gateway", a subgraph's folder name, or "all".
ENTRYPOINT ["/bin/sh", "-c", "role=\"${1:-$ROLE}\"; case \"$role\" in gateway) exec node dist/gateway/index.js ;; openvolt|volue|umeter|enerkey|intellimeter) exec node \"dist/subgraphs/$role/index.js\" ;; all) exec node dist/scripts/start-all.js ;; *) echo \"ROLE must be gateway, openvolt, volue, umeter, enerkey, intellimeter or all (got '$role')\" >&2; exit 64 ;; esac", "--"]
