//go:build !(386 || amd64 || arm || arm64 || loong64 || mips64le || mipsle || ppc64le || riscv64 || wasm)

package wire

// littleEndian is false here: floats are packed one at a time.
const littleEndian = false
