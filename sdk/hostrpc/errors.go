package hostrpc

import (
	"context"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/vlmask/vlmask/sdk"
	pb "github.com/vlmask/vlmask/sdk/internal/pb/pluginv1"
)

// remoteError is an error that came back from a plugin: its text is the
// plugin's message, errors.Is finds the sentinel the plugin wrapped, and
// status.Code still reads the gRPC code.
type remoteError struct {
	st       *status.Status
	sentinel error
}

func (e *remoteError) Error() string              { return e.st.Message() }
func (e *remoteError) Unwrap() error              { return e.sentinel }
func (e *remoteError) GRPCStatus() *status.Status { return e.st }

// fromStatus maps a failed RPC back to a typed error: the status details
// name the sentinel, and an RPC the plugin does not serve
// (codes.Unimplemented) is sdk.ErrNotImplemented.
func fromStatus(err error) error {
	if err == nil {
		return nil
	}
	st, ok := status.FromError(err)
	if !ok {
		return err
	}
	re := &remoteError{st: st}
	for _, d := range st.Details() {
		if e, ok := d.(*pb.Error); ok {
			switch e.GetCode() {
			case pb.Error_CODE_INVALID_CONFIG:
				re.sentinel = sdk.ErrInvalidConfig
			case pb.Error_CODE_NOT_IMPLEMENTED:
				re.sentinel = sdk.ErrNotImplemented
			case pb.Error_CODE_INVALID_REQUEST:
				re.sentinel = sdk.ErrInvalidRequest
			}
		}
	}
	if re.sentinel == nil {
		switch st.Code() {
		case codes.Unimplemented:
			re.sentinel = sdk.ErrNotImplemented
		case codes.Canceled:
			re.sentinel = context.Canceled
		case codes.DeadlineExceeded:
			re.sentinel = context.DeadlineExceeded
		}
	}
	return re
}
