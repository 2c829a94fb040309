//go:build 386 || amd64 || arm || arm64 || loong64 || mips64le || mipsle || ppc64le || riscv64 || wasm

package wire

// littleEndian lets float packing copy memory directly.
const littleEndian = true
