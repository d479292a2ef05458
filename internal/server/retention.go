package server

import (
	"context"
	"time"
)

// RunRetention removes anonymous assessments (the web wizard's, which no account owns) that
// have seen no activity for keep, once at start and then every interval, until ctx ends.
// Consultants' assessments are kept until they delete them. With several instances on one
// PostgreSQL database each runs the job, and the store lets one at a time do the work (an
// advisory lock). keep 0 keeps everything and returns at once.
func (s *Server) RunRetention(ctx context.Context, keep, interval time.Duration) {
	if keep <= 0 {
		return
	}
	if interval <= 0 {
		interval = min(time.Hour, max(keep/10, time.Second))
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		n, ran, err := s.store.PurgeAnonymous(ctx, time.Now().Add(-keep))
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			s.log.Error("retention: removing idle anonymous assessments failed", "err", err)
		case ran && n > 0:
			s.log.Info("retention: removed idle anonymous assessments", "count", n, "idle_for", keep.String())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
