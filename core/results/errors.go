package results

import "errors"

// Sentinel errors; wrapped errors from this package match them with
// errors.Is.
var (
	// ErrInvalidOptions reports bad Options or a bad base path.
	ErrInvalidOptions = errors.New("invalid options")
	// ErrInvalidColumn reports a bad metric column name.
	ErrInvalidColumn = errors.New("invalid column name")
	// ErrInvalidRow reports a row that cannot be written as it is.
	ErrInvalidRow = errors.New("invalid row")
	// ErrInvalidVariant reports a variant name outside the naming rule
	// (see ValidateVariant).
	ErrInvalidVariant = errors.New("invalid variant name")
	// ErrUnknownFormat reports an output format other than parquet or csv.
	ErrUnknownFormat = errors.New("unknown format")
	// ErrReservedKey reports Options.Metadata using a key this package
	// writes itself (see MetaKeyComplete and its siblings).
	ErrReservedKey = errors.New("reserved metadata key")
	// ErrClosed reports a call on a Writer after Close or Abort.
	ErrClosed = errors.New("results writer is closed")
	// ErrNotResults reports a file that was not written by this package:
	// wrong columns, types or metadata.
	ErrNotResults = errors.New("not a vlmask results file")
	// ErrNoMetadata reports a results file without its vlmask metadata,
	// e.g. a CSV file whose sidecar BASE.meta.json is missing.
	ErrNoMetadata = errors.New("no vlmask metadata")
	// ErrInUse reports a results base that a live writer (another vlmask
	// process, or another Writer) is writing: its temporary file is locked.
	ErrInUse = errors.New("results base in use by another writer")
	// ErrExists reports a final path that already holds a complete results
	// file, or a file that is not an incomplete results file, which Create
	// does not replace unless Options.Replace says so.
	ErrExists = errors.New("already holds a complete results file")
	// ErrNotRegular reports a path that is not a regular file (a
	// directory, FIFO, device or socket), which readers refuse to open.
	ErrNotRegular = errors.New("not a regular file")
	// ErrTooLarge reports a file, or a size a file asks for, beyond a
	// reader's limit.
	ErrTooLarge = errors.New("too large")
)

// errLocked: another open file description holds the lock (lockFile).
var errLocked = errors.New("locked by another writer")
