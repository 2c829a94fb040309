package core

import (
	"sync"

	"github.com/vlmask/vlmask/core/results"
)

// scorer scores a step's layers and writes their rows in two goroutines of
// its own, in layer order: the metrics — often plugin processes — of layer
// l run while the model computes layer l+1, and the rows of layer l are
// encoded and written while the metrics score layer l+1. Its queues are
// short, so at most a few layers' vectors and rows wait in memory.
type scorer struct {
	// score turns one layer's vectors into its rows.
	score func(v *LayerVectors, target int) ([]results.Row, error)
	// write writes one layer's rows.
	write func(layer int, rows []results.Row) error

	queue   chan scoreJob
	written chan writeJob
	done    chan struct{}
	mu      sync.Mutex
	err     error // the first failure; later layers are skipped
	rows    int64 // rows written; read after stop
}

type scoreJob struct {
	v      *LayerVectors
	target int
}

type writeJob struct {
	layer int
	rows  []results.Row
}

// scorerQueue is how many layers may wait for each of the two stages.
const scorerQueue = 2

// newScorer returns a scorer that scores each queued layer with score and
// writes its rows with write.
func newScorer(score func(v *LayerVectors, target int) ([]results.Row, error), write func(layer int, rows []results.Row) error) scorer {
	return scorer{score: score, write: write}
}

// send queues a layer for scoring, starting the goroutines on first use.
func (s *scorer) send(v *LayerVectors, target int) {
	if s.queue == nil {
		s.queue = make(chan scoreJob, scorerQueue)
		s.written = make(chan writeJob, scorerQueue)
		s.done = make(chan struct{})
		go s.scoreLoop()
		go s.writeLoop()
	}
	s.queue <- scoreJob{v, target}
}

func (s *scorer) scoreLoop() {
	defer close(s.written)
	for job := range s.queue {
		if s.failed() != nil {
			continue // drain, so senders never block on a dead worker
		}
		rows, err := s.score(job.v, job.target)
		if err != nil {
			s.fail(err)
			continue
		}
		s.written <- writeJob{job.v.Layer, rows}
	}
}

func (s *scorer) writeLoop() {
	defer close(s.done)
	for job := range s.written {
		if s.failed() != nil {
			continue
		}
		if err := s.write(job.layer, job.rows); err != nil {
			s.fail(err)
			continue
		}
		s.rows += int64(len(job.rows))
	}
}

// fail records err unless an earlier failure is already recorded.
func (s *scorer) fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		s.err = err
	}
}

// failed is the scorer's first error, if any.
func (s *scorer) failed() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// stop waits for every queued layer to be scored and written and returns
// the first error. It is idempotent.
func (s *scorer) stop() error {
	if s.queue != nil {
		close(s.queue)
		<-s.done
		s.queue = nil
	}
	return s.failed()
}
