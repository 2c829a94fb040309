package wire

import (
	"context"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"
)

// ServerTrace logs every RPC the plugin serves: each at trace level with
// its duration, each failure at error level with its status.
func ServerTrace(log hclog.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		start := time.Now()
		resp, err := handler(ctx, req)
		traceResult(log, "served", info.FullMethod, start, err)
		return resp, err
	}
}

// ClientTrace logs every RPC the host makes: each at trace level with its
// duration, each failure at debug level (the host reports errors itself).
func ClientTrace(log hclog.Logger) grpc.UnaryClientInterceptor {
	return func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		start := time.Now()
		err := invoker(ctx, method, req, reply, cc, opts...)
		if err != nil {
			log.Debug("rpc failed", "method", method, "duration", time.Since(start), "code", status.Code(err).String(), "error", err)
			return err
		}
		log.Trace("rpc", "method", method, "duration", time.Since(start))
		return err
	}
}

func traceResult(log hclog.Logger, what, method string, start time.Time, err error) {
	if err != nil {
		log.Error("rpc failed", "method", method, "duration", time.Since(start), "code", status.Code(err).String(), "error", err)
		return
	}
	log.Trace(what, "method", method, "duration", time.Since(start))
}
