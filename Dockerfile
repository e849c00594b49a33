# One image for every role of Gridgraph: the gateway or one provider subgraph (README "Scale-out").
#   docker build -t gridgraph .
#   docker run -e ROLE=gateway -p 4000:4000 gridgraph
#   docker run -e ROLE=volue   -p 4002:4002 gridgraph      (also: openvolt, umeter, enerkey, intellimeter)
# or pass the role as the argument: docker run gridgraph volue
FROM node:24-slim

WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    ROLE=gateway

# Dependencies first, so that a code change does not reinstall them. tsx (a runtime dependency) runs
# the TypeScript sources directly; there is no build step.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund && npm cache clean --force

COPY tsconfig.json supergraph.graphql ./
COPY shared ./shared
COPY subgraphs ./subgraphs
COPY gateway ./gateway

# Without STORE_URL a subgraph keeps its state in an embedded store under DATA_DIR: writable by the
# node user, and a volume so that it outlives the container.
ENV DATA_DIR=/app/data
RUN mkdir -p /app/data && chown node:node /app/data && chmod 700 /app/data
VOLUME /app/data

USER node
EXPOSE 4000 4001 4002 4003 4004 4005
# Healthy = ready (README "Operations"): GET /health/ready of the role's server answers 2xx (a subgraph
# whose store answers; a gateway with at least one subgraph up). The entrypoint notes the role for it.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 CMD ["node", "-e", "const fs=require('fs'),e=process.env,f='/tmp/gridgraph-role',r=(fs.existsSync(f)?fs.readFileSync(f,'utf8'):e.ROLE).trim(),p=e[r==='gateway'?'GATEWAY_PORT':r.toUpperCase()+'_SUBGRAPH_PORT']||{gateway:4000,openvolt:4001,volue:4002,umeter:4003,enerkey:4004,intellimeter:4005}[r];fetch('http://127.0.0.1:'+p+'/health/ready').then(a=>process.exit(a.ok?0:1),()=>process.exit(1))"]
# The role is the first argument, else $ROLE: "gateway" or a subgraph's folder name.
ENTRYPOINT ["/bin/sh", "-c", "role=\"${1:-$ROLE}\"; printf %s \"$role\" > /tmp/gridgraph-role 2>/dev/null; case \"$role\" in gateway) exec node_modules/.bin/tsx gateway/index.ts ;; openvolt|volue|umeter|enerkey|intellimeter) exec node_modules/.bin/tsx \"subgraphs/$role/index.ts\" ;; *) echo \"ROLE must be gateway, openvolt, volue, umeter, enerkey or intellimeter (got '$role')\" >&2; exit 64 ;; esac", "--"]
