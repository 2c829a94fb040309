// Package onnxpb holds the Go types of the ONNX protobuf schema (onnx.proto,
// IR version 8, from the ONNX 1.12 release as packaged by Debian's
// libonnx-dev), generated with protoc-gen-go. Both the .proto and the
// generated onnx.pb.go are committed; only a regeneration needs protoc.
//
// Regenerate with `make proto` (needs protoc and protoc-gen-go v1.36.12):
//
//	protoc --proto_path=. --go_out=. --go_opt=paths=source_relative \
//	  --go_opt=Monnx.proto=github.com/vlmask/vlmask/backend/onnx/onnxpb onnx.proto
package onnxpb

//go:generate protoc --proto_path=. --go_out=. --go_opt=paths=source_relative --go_opt=Monnx.proto=github.com/vlmask/vlmask/backend/onnx/onnxpb onnx.proto
