// Package pluginv1 holds the vlmask plugin RPC protocol, major version 1:
// plugin.proto and the Go code protoc generates from it. It is internal:
// plugin authors use package sdk, the host uses sdk/hostrpc, and only the
// converters in those packages touch these types. Authors in other languages
// copy plugin.proto.
//
// Regenerate (protoc 3.21.12, protoc-gen-go v1.36.12, protoc-gen-go-grpc
// v1.6.2) from the repository root with:
//
//	cd sdk/internal/pb/pluginv1 && protoc --proto_path=. \
//	  --go_out=. --go_opt=paths=source_relative \
//	  --go-grpc_out=. --go-grpc_opt=paths=source_relative plugin.proto
package pluginv1

//go:generate protoc --proto_path=. --go_out=. --go_opt=paths=source_relative --go-grpc_out=. --go-grpc_opt=paths=source_relative plugin.proto
