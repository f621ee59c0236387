package reports

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/infogain-dev/infogain/cases"
	"github.com/infogain-dev/infogain/impls"
)

// Files written by WriteDir besides the plots.
const (
	MarkdownFile = "report.md"
	JSONFile     = "report.json"
	CSVFile      = "cases.csv"
)

// WriteDir writes the report into dir (created if needed): report.md,
// report.json, cases.csv, and every plot as .svg and .png. The bytes are a
// pure function of r.
func (r *Report) WriteDir(dir string) error {
	figs, err := r.figures()
	if err != nil {
		return err
	}
	files := map[string][]byte{}
	files[MarkdownFile] = r.markdown(figs)
	if files[JSONFile], err = r.JSON(); err != nil {
		return err
	}
	if files[CSVFile], err = r.CSV(); err != nil {
		return err
	}
	for _, f := range figs {
		files[f.Name+".svg"] = f.SVG
		files[f.Name+".png"] = f.PNG
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, b := range files { // order is irrelevant: distinct files
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// JSON returns report.json: Meta, Impls and Summaries, indented, fields in
// declaration order. Per-case numbers are in cases.csv.
func (r *Report) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("reports: %v", err)
	}
	return append(b, '\n'), nil
}

// CSV returns cases.csv: one row per implementation and case, in case
// order, floats in shortest round-trip form. The scaled errors come raw
// (docs/design.md §5) and floored (grade.go); grade is the case's grade.
func (r *Report) CSV() ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"impl", "family", "dtype", "id", "classes", "spread", "class", "uncertified",
		"loss_ulps", "loss_bits", "grad_ulps", "grad_bits", "grad_scaled", "nonfinite", "mismatch", "error",
		"loss_scaled", "loss_scaled_floored", "grad_scaled_floored", "input", "grade", "unsupported"})
	for i := range r.Scores {
		s := &r.Scores[i]
		grade := caseGrade(s).String()
		if s.Unsupported {
			grade = ""
		}
		w.Write([]string{
			s.Impl, s.Family, string(s.DType), s.ID, strconv.Itoa(s.C), ftoa(s.Spread), string(s.Class),
			strconv.FormatBool(s.Uncertified),
			strconv.FormatUint(s.LossULP, 10), ftoa(s.LossBits()),
			strconv.FormatUint(s.GradULP, 10), ftoa(s.GradBits()), ftoa(s.GradScaled),
			strconv.FormatBool(s.NonFinite), strconv.FormatBool(s.Mismatch), s.Err,
			ftoa(s.LossScaled), ftoa(s.Graded.Loss), ftoa(s.Graded.Grad), string(s.Graded.Input), grade,
			strconv.FormatBool(s.Unsupported),
		})
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func (r *Report) find(impl, family string, dt cases.DType) *Summary {
	for i := range r.Summaries {
		s := &r.Summaries[i]
		if s.Impl == impl && s.Family == family && s.DType == dt {
			return s
		}
	}
	return nil
}

func joinDTypes(dts []cases.DType) string {
	var s []string
	for _, d := range dts {
		s = append(s, string(d))
	}
	return strings.Join(s, ", ")
}

// none stands for a statistic over no case.
const none = "–"

// fmtULP prints small distances exactly and large ones in 3 digits.
func fmtULP(u uint64, n int) string {
	switch {
	case n == 0:
		return none
	case u < 1e6:
		return strconv.FormatUint(u, 10)
	}
	return fmt.Sprintf("%.2e", float64(u))
}

func fmtWorst(u uint64, id string, n int) string {
	if n == 0 {
		return none
	}
	return fmt.Sprintf("%s (%s)", fmtULP(u, n), id)
}

func fmtScaled(v float64, n int) string {
	switch {
	case n == 0:
		return none
	case v < 1e4:
		return fmt.Sprintf("%.2f", v)
	}
	return fmt.Sprintf("%.2e", v)
}

func pct(n, of int) string {
	if of == 0 {
		return none
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(of))
}

func fmtProps(im *ImplInfo) string {
	switch {
	case !im.PropertiesChecked:
		return "not run"
	case len(im.FailingProperties) == 0:
		return "none"
	}
	return strings.Join(im.FailingProperties, ", ")
}

// The suite's standard, which the findings table measures every
// implementation against: impls.Standard, the contract fused declares
// (docs/design.md §6).
var (
	standardLossULP    = uint64(impls.Standard.LossULP)
	standardGradScaled = impls.Standard.GradScaled
)
