package check

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/cases/jsonl"
	"github.com/infogain-dev/infogain/impls"
)

// Score judges results computed elsewhere (a GPU job, a cluster run) on
// the cases they answer: casesIn holds the cases as JSON lines, resultsIn
// one result line per case in the same order (the protocol's stdout, as
// docs/protocol.md). Each result is checked as the protocol checks it
// (impls.ParseResultLine: its id, C gradient entries, float32 values) and
// judged against the reference by contract k. A malformed file, a result
// that does not answer its case, or a count that differs is an error.
// casesName names the cases file in replay lines.
func Score(name string, casesIn, resultsIn io.Reader, k impls.Contract, casesName string) (*Result, error) {
	dec := jsonl.NewDecoder(casesIn)
	var all []cases.Case
	for {
		c, err := dec.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("cases: %v", err)
		}
		if c.Family == "" {
			c.Family = "(none)"
		}
		all = append(all, c)
	}
	rd := newLineReader(resultsIn)
	ref := impls.Reference()
	type key struct {
		fam string
		dt  cases.DType
	}
	byKey := map[key]*Verdict{}
	worst := map[key]rank{}
	var order []key
	for i := range all {
		c := &all[i]
		line, err := rd.next()
		if err == io.EOF {
			return nil, fmt.Errorf("results: %d results for %d cases (case %s has none)", i, len(all), c.ID)
		}
		if err != nil {
			return nil, fmt.Errorf("results: %v", err)
		}
		got, err := impls.ParseResultLine(line, c.ID, c)
		if err != nil {
			return nil, fmt.Errorf("results line %d (case %s): %v", i+1, c.ID, err)
		}
		want := ref.Case(c)
		vd := k.Judge(c, &got, &want)
		kk := key{c.Family, c.DType}
		v := byKey[kk]
		if v == nil {
			v = &Verdict{Family: c.Family, DType: c.DType}
			byKey[kk] = v
			order = append(order, kk)
			worst[kk] = rank{bad: math.Inf(-1)}
		}
		v.Cases++
		m := vd.Measurement
		if !vd.OK {
			v.Violations++
		}
		if m.Err != "" && m.Class != impls.RefRejected {
			v.Errors++
		}
		if m.NonFinite {
			v.NonFinite++
		}
		if m.Mismatch {
			v.Mismatches++
		}
		if m.LossScored && m.LossULP > v.LossWorstULP {
			v.LossWorstULP = m.LossULP
		}
		v.LossScaledWorst = math.Max(v.LossScaledWorst, m.LossScaled)
		v.GradScaledWorst = math.Max(v.GradScaledWorst, m.GradScaled)
		bad := math.Max(m.LossScaled/k.LossScaled, m.GradScaled/k.GradScaled)
		if m.Err != "" || m.NonFinite || m.Mismatch {
			bad = math.Inf(1)
		}
		if r := (rank{!vd.OK, bad}); r.worse(worst[kk]) {
			worst[kk] = r
			v.WorstID = c.ID
			v.Worst = caseJSON(c)
			v.Why = ""
			if !vd.OK {
				v.Why = fmt.Sprint(vd.Violations)
			}
			v.Replay = "line " + strconv.Itoa(i+1) + " of " + casesName
		}
	}
	if _, err := rd.next(); err != io.EOF {
		if err == nil {
			return nil, fmt.Errorf("results: more result lines than the %d cases", len(all))
		}
		return nil, fmt.Errorf("results: %v", err)
	}
	if len(all) == 0 {
		return nil, errors.New("cases: no case")
	}
	res := &Result{Impl: name}
	for _, kk := range order {
		res.Families = append(res.Families, *byKey[kk])
	}
	return res, nil
}

// lineReader yields the non-blank lines of a stream, at most
// jsonl.MaxLineBytes each.
type lineReader struct{ s *bufio.Scanner }

func newLineReader(r io.Reader) *lineReader {
	s := bufio.NewScanner(r)
	s.Buffer(make([]byte, 64<<10), jsonl.MaxLineBytes+2)
	return &lineReader{s}
}

func (l *lineReader) next() ([]byte, error) {
	for l.s.Scan() {
		line := bytes.TrimRight(l.s.Bytes(), "\r")
		if len(bytes.TrimSpace(line)) > 0 {
			return line, nil
		}
	}
	if err := l.s.Err(); err != nil {
		return nil, err
	}
	return nil, io.EOF
}
