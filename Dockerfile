# syntax=docker/dockerfile:1
# vlmask container images, for the Slurm and Kubernetes recipes in deploy/.
#
#   docker build --target cpu  -t vlmask:cpu  .   # ONNX Runtime 1.30.0, CPU
#   docker build --target cuda -t vlmask:cuda .   # ONNX Runtime 1.29.0 with its CUDA providers (CUDA 13, cuDNN 9)
#
# Both run `vlmask` as the entry point and find ONNX Runtime through
# VLMASK_ORT_LIB. On a Slurm cluster, convert for Apptainer:
#   apptainer build vlmask-cuda.sif docker-daemon://vlmask:cuda
# and set VLMASK_CONTAINER=vlmask-cuda.sif for deploy/slurm/*.sbatch.

ARG GO_IMAGE=golang:1.26-bookworm
# Any CUDA 13.x runtime image with cuDNN 9 works: ORT 1.29.0's CUDA provider
# is built with CUDA 13.0 and loads cuDNN 9 when it first needs it.
ARG CUDA_IMAGE=nvidia/cuda:13.0.0-cudnn-runtime-ubuntu24.04

# vlmask itself: pure Go (no cgo), so one static binary serves both images.
FROM ${GO_IMAGE} AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=devel
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-X main.version=${VERSION}" -o /out/vlmask ./cmd/vlmask \
 && /out/vlmask version >/dev/null

# ONNX Runtime, pinned by version and SHA-256 by scripts/fetch-ort.sh (it
# takes the libraries out of npm packages with `npm pack`).
FROM debian:bookworm-slim AS ort
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates nodejs npm \
 && rm -rf /var/lib/apt/lists/*
COPY scripts/fetch-ort.sh /usr/local/bin/fetch-ort.sh
RUN VLMASK_CACHE_DIR=/opt/vlmask fetch-ort.sh cpu \
 && VLMASK_CACHE_DIR=/opt/vlmask fetch-ort.sh cuda

FROM debian:bookworm-slim AS cpu
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=ort /opt/vlmask/ort/1.30.0 /opt/vlmask/ort/1.30.0
COPY --from=build /out/vlmask /usr/local/bin/vlmask
ENV VLMASK_CACHE_DIR=/opt/vlmask \
    VLMASK_ORT_LIB=/opt/vlmask/ort/1.30.0/libonnxruntime.so.1 \
    VLMASK_DEVICE=cpu
ENTRYPOINT ["vlmask"]
CMD ["--help"]

FROM ${CUDA_IMAGE} AS cuda
COPY --from=ort /opt/vlmask/ort/1.29.0-cuda /opt/vlmask/ort/1.29.0-cuda
COPY --from=build /out/vlmask /usr/local/bin/vlmask
ENV VLMASK_CACHE_DIR=/opt/vlmask \
    VLMASK_ORT_LIB=/opt/vlmask/ort/1.29.0-cuda/libonnxruntime.so.1 \
    VLMASK_DEVICE=cuda
ENTRYPOINT ["vlmask"]
CMD ["--help"]
