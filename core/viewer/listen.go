package viewer

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// DefaultAddr is where `vlmask serve` listens unless told otherwise: the
// IPv4 loopback address, on a free port.
const DefaultAddr = "127.0.0.1:0"

// shutdownGrace is how long Run lets requests in flight finish.
const shutdownGrace = 2 * time.Second

// Listen opens a TCP listener on addr (host:port; port 0 picks a free
// one).
func Listen(addr string) (net.Listener, error) {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return nil, fmt.Errorf("listen on %q: %w (want host:port, e.g. %s)", addr, ErrBadRequest, DefaultAddr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %q: %w", addr, err)
	}
	return ln, nil
}

// IsLoopback reports whether addr is a loopback address, reachable only
// from this machine.
func IsLoopback(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// URL is the address of the app behind ln, for a browser.
func URL(ln net.Listener) string {
	tcp, ok := ln.Addr().(*net.TCPAddr)
	if !ok {
		return "http://" + ln.Addr().String() + "/"
	}
	host := tcp.IP.String()
	if tcp.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, fmt.Sprint(tcp.Port)) + "/"
}

// Run serves h on ln until ctx ends, then shuts the server down, letting
// requests in flight finish for a moment. It returns nil after ctx ends.
func Run(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("serve: shut down: %w", err)
	}
	return nil
}

// OpenAll opens every path; on an error it closes the files it opened.
func OpenAll(paths []string) ([]*File, error) {
	var files []*File
	for _, p := range paths {
		f, err := Open(p)
		if err != nil {
			CloseAll(files)
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}

// CloseAll closes files.
func CloseAll(files []*File) {
	for _, f := range files {
		f.Close()
	}
}
