package core

import "sync"

// scorer scores a step's layers and writes their rows in a goroutine of its
// own, in layer order, so that the metrics — often plugin processes — of
// layer l run while the model computes layer l+1. Its queue is short, so at
// most a few layers' vectors wait in memory.
type scorer struct {
	// handle scores one layer and writes its rows, returning how many.
	handle func(v *LayerVectors, target int) (int64, error)

	queue chan scoreJob
	done  chan struct{}
	mu    sync.Mutex
	err   error // the first failure; later layers are skipped
	rows  int64 // rows written; read after stop
}

type scoreJob struct {
	v      *LayerVectors
	target int
}

// scorerQueue is how many scored-but-unwritten layers may wait.
const scorerQueue = 2

// newScorer returns a scorer that hands each queued layer to handle.
func newScorer(handle func(v *LayerVectors, target int) (int64, error)) scorer {
	return scorer{handle: handle}
}

// send queues a layer for scoring, starting the goroutine on first use.
func (s *scorer) send(v *LayerVectors, target int) {
	if s.queue == nil {
		s.queue = make(chan scoreJob, scorerQueue)
		s.done = make(chan struct{})
		go s.work()
	}
	s.queue <- scoreJob{v, target}
}

func (s *scorer) work() {
	defer close(s.done)
	for job := range s.queue {
		if s.failed() != nil {
			continue // drain, so senders never block on a dead worker
		}
		n, err := s.handle(job.v, job.target)
		s.rows += n
		if err != nil {
			s.mu.Lock()
			s.err = err
			s.mu.Unlock()
		}
	}
}

// failed is the scorer's first error, if any.
func (s *scorer) failed() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// stop waits for every queued layer and returns the first error. It is
// idempotent.
func (s *scorer) stop() error {
	if s.queue != nil {
		close(s.queue)
		<-s.done
		s.queue = nil
	}
	return s.failed()
}
