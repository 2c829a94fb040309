package wire

import "google.golang.org/grpc"

// Flow-control windows and socket buffers. Plugins talk over a local
// socket, so gRPC's defaults (64 KiB windows grown by BDP probing, 32 KiB
// buffers) only add round trips to a multi-megabyte Score request; fixed
// 16 MiB windows and 1 MiB buffers roughly halve its transfer time.
const (
	windowBytes = 16 << 20
	bufferBytes = 1 << 20
)

// ServerOptions are the gRPC server options of a plugin: the size limits
// and the trace interceptor.
func ServerOptions(trace grpc.UnaryServerInterceptor) []grpc.ServerOption {
	return []grpc.ServerOption{
		grpc.MaxRecvMsgSize(MaxMessageBytes),
		grpc.MaxSendMsgSize(MaxMessageBytes),
		grpc.InitialWindowSize(windowBytes),
		grpc.InitialConnWindowSize(windowBytes),
		grpc.ReadBufferSize(bufferBytes),
		grpc.WriteBufferSize(bufferBytes),
		grpc.ChainUnaryInterceptor(trace),
	}
}

// DialOptions are the transport options of the host's connection to a
// plugin, matching ServerOptions.
func DialOptions() []grpc.DialOption {
	return []grpc.DialOption{
		grpc.WithDefaultCallOptions(CallOptions()...),
		grpc.WithInitialWindowSize(windowBytes),
		grpc.WithInitialConnWindowSize(windowBytes),
		grpc.WithReadBufferSize(bufferBytes),
		grpc.WithWriteBufferSize(bufferBytes),
	}
}

// CallOptions are set on every RPC the host makes, so the limits hold
// whatever the connection's defaults.
func CallOptions() []grpc.CallOption {
	return []grpc.CallOption{
		grpc.MaxCallRecvMsgSize(MaxMessageBytes),
		grpc.MaxCallSendMsgSize(MaxMessageBytes),
	}
}
