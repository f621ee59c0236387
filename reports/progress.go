package reports

import (
	"fmt"
	"io"
	"strings"
	"sync"
)

// progress draws a one-line bar, redrawn with "\r" at each whole percent.
// A nil writer makes every method a no-op.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	phase string // what is being done: "cases", "properties"
	unit  string // what is counted
	total int
	n     int
	shown int // last percent drawn, −1 before the first
}

const progressWidth = 40

func newProgress(w io.Writer, phase, unit string, total int) *progress {
	return &progress{w: w, phase: phase, unit: unit, total: total, shown: -1}
}

func (p *progress) add(k int) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n += k
	pct := 100
	if p.total > 0 {
		pct = p.n * 100 / p.total
	}
	if pct == p.shown {
		return
	}
	p.shown = pct
	fill := pct * progressWidth / 100
	fmt.Fprintf(p.w, "\rreport: %-10s [%s%s] %3d%% %d/%d %s",
		p.phase, strings.Repeat("#", fill), strings.Repeat(".", progressWidth-fill), pct, p.n, p.total, p.unit)
}

func (p *progress) done() {
	if p.w == nil {
		return
	}
	fmt.Fprintln(p.w)
}
