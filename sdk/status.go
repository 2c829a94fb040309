package sdk

import (
	"context"
	"errors"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/vlmask/vlmask/sdk/internal/pb/pluginv1"
)

// toStatus turns an implementation's error into a gRPC status whose
// details carry the sentinel, so that errors.Is works on the host
// (sdk/hostrpc maps it back). The message is the error's text.
func toStatus(err error) error {
	code, detail := codes.Unknown, pb.Error_CODE_UNSPECIFIED
	switch {
	case errors.Is(err, ErrInvalidConfig):
		code, detail = codes.InvalidArgument, pb.Error_CODE_INVALID_CONFIG
	case errors.Is(err, ErrInvalidRequest):
		code, detail = codes.InvalidArgument, pb.Error_CODE_INVALID_REQUEST
	case errors.Is(err, ErrNotImplemented):
		code, detail = codes.Unimplemented, pb.Error_CODE_NOT_IMPLEMENTED
	case errors.Is(err, context.Canceled):
		code = codes.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		code = codes.DeadlineExceeded
	}
	st := status.New(code, err.Error())
	if detail != pb.Error_CODE_UNSPECIFIED {
		if withDetail, derr := st.WithDetails(&pb.Error{Code: detail}); derr == nil {
			st = withDetail
		}
	}
	return st.Err()
}
