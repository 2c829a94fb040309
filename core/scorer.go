package core

import "sync"

// scorer scores a step's layers and writes their rows in a goroutine of its
// own, in layer order, so that the metrics — often plugin processes — of
// layer l run while the model computes layer l+1. Its queue is short, so at
// most a few layers' vectors wait in memory.
type scorer struct {
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

// send queues a layer for scoring, starting the goroutine on first use.
func (st *stepRun) send(v *LayerVectors, target int) {
	if st.queue == nil {
		st.queue = make(chan scoreJob, scorerQueue)
		st.done = make(chan struct{})
		go st.work()
	}
	st.queue <- scoreJob{v, target}
}

func (st *stepRun) work() {
	defer close(st.done)
	for job := range st.queue {
		if st.failed() != nil {
			continue // drain, so senders never block on a dead worker
		}
		n, err := st.emit(st.ctx, job.v, job.target)
		st.rows += n
		if err != nil {
			st.mu.Lock()
			st.err = err
			st.mu.Unlock()
			continue
		}
		if st.a.Observer != nil {
			st.a.Observer.LayerDone(st.step, job.v.Layer, st.spec.NumLayers)
		}
	}
}

// failed is the scorer's first error, if any.
func (st *stepRun) failed() error {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.err
}

// stop waits for every queued layer and returns the first error. It is
// idempotent.
func (st *stepRun) stop() error {
	if st.queue != nil {
		close(st.queue)
		<-st.done
		st.queue = nil
	}
	return st.failed()
}
