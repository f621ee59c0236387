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
// order, floats in shortest round-trip form.
func (r *Report) CSV() ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"impl", "family", "dtype", "id", "classes", "spread", "class", "uncertified",
		"loss_ulps", "loss_bits", "grad_ulps", "grad_bits", "grad_scaled", "nonfinite", "mismatch", "error"})
	for i := range r.Scores {
		s := &r.Scores[i]
		w.Write([]string{
			s.Impl, s.Family, string(s.DType), s.ID, strconv.Itoa(s.C), ftoa(s.Spread), string(s.Class),
			strconv.FormatBool(s.Uncertified),
			strconv.FormatUint(s.LossULP, 10), ftoa(s.LossBits()),
			strconv.FormatUint(s.GradULP, 10), ftoa(s.GradBits()), ftoa(s.GradScaled),
			strconv.FormatBool(s.NonFinite), strconv.FormatBool(s.Mismatch), s.Err,
		})
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// markdown returns report.md; figs are the plots it shows inline.
func (r *Report) markdown(figs []figure) []byte {
	var b strings.Builder
	m := &r.Meta
	fmt.Fprintf(&b, "# infogain stability report\n\n")
	if m.Command != "" {
		fmt.Fprintf(&b, "Regenerate with `%s` (from the repository root: `go run ./cmd/%s`); "+
			"the same command gives byte-identical files on the same Go version and GOARCH.\n\n", m.Command, m.Command)
	}
	fmt.Fprintf(&b, "| run | |\n|---|---|\n")
	fmt.Fprintf(&b, "| size | %s: %d cases per family and dtype, %d per point of the %s family |\n", m.Size, m.PerFamily, m.GridReps, GridFamily)
	fmt.Fprintf(&b, "| seed | %d |\n", m.Seed)
	fmt.Fprintf(&b, "| cases | %d, each scored for %d implementations |\n", m.Cases, len(r.Impls))
	fmt.Fprintf(&b, "| families | %s |\n", strings.Join(m.Families, ", "))
	fmt.Fprintf(&b, "| dtypes | %s |\n", joinDTypes(m.DTypes))
	fmt.Fprintf(&b, "| reference | %s |\n", m.Reference)
	fmt.Fprintf(&b, "| Go | %s, GOARCH %s |\n\n", m.GoVersion, m.GOARCH)

	fmt.Fprintf(&b, "## Implementations\n\n")
	for _, im := range r.Impls {
		fmt.Fprintf(&b, "* **%s**: %s\n", im.Name, im.Doc)
	}
	b.WriteString(howToRead)

	fmt.Fprintf(&b, "## Overview: every family\n\n")
	for _, dt := range m.DTypes {
		fmt.Fprintf(&b, "### %s\n\n", dt)
		b.WriteString("| impl | scored loss / grad | loss bits worst / median / p99 | loss worst ulps | grad bits worst / median / p99 | grad worst ulps | grad scaled worst | loss CR | loss ≤ 1 ulp | grad CR | grad ≤ 1 ulp | non-finite | errors | special-value mismatches | failing properties |\n")
		b.WriteString("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|\n")
		for k := range r.Impls {
			s := r.find(r.Impls[k].Name, AllFamilies, dt)
			if s == nil {
				continue
			}
			fmt.Fprintf(&b, "| %s | %d / %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d | %d | %d | %s |\n",
				s.Impl, s.LossScored, s.GradScored, fmtQ(s.LossBits, s.LossScored), fmtULP(s.LossWorstULP, s.LossScored),
				fmtQ(s.GradBits, s.GradScored), fmtULP(s.GradWorstULP, s.GradScored), fmtScaled(s.GradScaledWorst, s.GradScored), pct(s.LossCorrectlyRounded, s.LossScored), pct(s.LossWithin1ULP, s.LossScored),
				pct(s.GradCorrectlyRounded, s.GradScored), pct(s.GradWithin1ULP, s.GradScored),
				s.NonFinite, s.Errors, s.Mismatches, fmtProps(&r.Impls[k]))
		}
		b.WriteString("\n")
	}

	r.writeFindings(&b)

	if len(figs) > 0 {
		fmt.Fprintf(&b, "## Plots\n\nEach point is the worst case of its bin; PNG versions sit next to the SVGs.\n\n")
		for _, f := range figs {
			fmt.Fprintf(&b, "![%s](%s.svg)\n\n", f.Caption, f.Name)
		}
	}

	for _, dt := range m.DTypes {
		fmt.Fprintf(&b, "## Per family, %s\n\n", dt)
		b.WriteString("| family | impl | cases | scored loss / grad | loss bits worst / median / p99 | loss worst ulps (case) | grad bits worst / median / p99 | grad worst ulps (case) | grad scaled worst | loss CR | loss ≤ 1 ulp | grad CR | grad ≤ 1 ulp | non-finite | errors | ref rejected / non-finite / mismatches | uncertified |\n")
		b.WriteString("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
		for _, fam := range m.Families {
			for _, im := range r.Impls {
				s := r.find(im.Name, fam, dt)
				if s == nil {
					continue
				}
				fmt.Fprintf(&b, "| %s | %s | %d | %d / %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d | %d | %d / %d / %d | %d |\n",
					s.Family, s.Impl, s.Cases, s.LossScored, s.GradScored,
					fmtQ(s.LossBits, s.LossScored), fmtWorst(s.LossWorstULP, s.LossWorstCase, s.LossScored),
					fmtQ(s.GradBits, s.GradScored), fmtWorst(s.GradWorstULP, s.GradWorstCase, s.GradScored),
					fmtScaled(s.GradScaledWorst, s.GradScored),
					pct(s.LossCorrectlyRounded, s.LossScored), pct(s.LossWithin1ULP, s.LossScored),
					pct(s.GradCorrectlyRounded, s.GradScored), pct(s.GradWithin1ULP, s.GradScored),
					s.NonFinite, s.Errors, s.RefRejected, s.RefNonFinite, s.Mismatches, s.Uncertified)
			}
		}
		b.WriteString("\n")
	}
	return []byte(b.String())
}

const howToRead = `
## How to read the numbers

* Every output is compared with the reference's correctly rounded value in
  the case's own dtype. **ulps** is the number of representable values between
  them (±0 equal; NaN against a number is the maximum, 2^64−1); **bits of
  error** is log2(ulps+1): 0 is correctly rounded, 1 is one ulp, 1.58 two ulps,
  64 a NaN or an error. For the gradient the worst component counts.
* **grad scaled** is the componentwise scaled gradient error of docs/design.md §5,
  |Δg_j| / (u·(p_j|S − h_j| + |h_j| q_j)) maximised over j and cases: the
  error against what the conditioning of each component allows (u = 2^-53 or
  2^-24); it is the measure to read for rows h with mixed signs.
* **CR** is the share of scored cases correctly rounded (0 ulps; for the
  gradient every component), **≤ 1 ulp** the share within one ulp.
* **scored loss / grad** counts the cases whose reference loss, resp. every
  gradient component, is finite; the loss and gradient statistics are taken
  over them (an overflowing loss still leaves its finite gradient to score).
  **non-finite** counts cases with a NaN or ±Inf output where the reference's
  is finite; **errors** the valid cases the implementation rejected or
  panicked on.
* Where the reference rejects a case, or an output of it is NaN/±Inf (docs/design.md
  §7), **special-value mismatches** counts the cases where the
  implementation's special values (NaN, +Inf, −Inf, an error) differ from the
  reference's.
* **failing properties** are the properties of the props battery the
  implementation fails ("not run" when the battery was not wired in).

`

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

func fmtQ(q Quantiles, n int) string {
	if n == 0 {
		return none
	}
	return fmt.Sprintf("%.2f / %.2f / %.2f", q.Worst, q.Median, q.P99)
}

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

// writeFindings writes, per dtype and implementation, the families where it
// falls short of the standard: loss error above standardLossULP ulps,
// scaled gradient error above standardGradScaled, non-finite outputs,
// special-value mismatches, errors.
func (r *Report) writeFindings(b *strings.Builder) {
	fmt.Fprintf(b, "## Where each implementation falls short\n\n")
	fmt.Fprintf(b, "Families where the worst case exceeds the suite's standard (fused's declared bounds, docs/design.md §6): "+
		"**loss** > %d ulps, **grad** scaled error > %v, **non-finite** outputs where the reference's are finite, "+
		"special-value **mismatches**, **errors** on valid input.\n\n", standardLossULP, standardGradScaled)
	for _, dt := range r.Meta.DTypes {
		fmt.Fprintf(b, "### %s\n\n| impl | loss | grad | non-finite | mismatches | errors |\n|---|---|---|---|---|---|\n", dt)
		for _, im := range r.Impls {
			if im.Name == r.Meta.Reference {
				continue
			}
			var loss, grad, nonFinite, mismatch, errs []string
			for _, fam := range r.Meta.Families {
				s := r.find(im.Name, fam, dt)
				if s == nil {
					continue
				}
				if s.LossScored > 0 && s.LossWorstULP > standardLossULP {
					loss = append(loss, fmt.Sprintf("%s (%s)", fam, fmtULP(s.LossWorstULP, s.LossScored)))
				}
				if s.GradScored > 0 && s.GradScaledWorst > standardGradScaled {
					grad = append(grad, fmt.Sprintf("%s (%s)", fam, fmtScaled(s.GradScaledWorst, s.GradScored)))
				}
				if s.NonFinite > 0 {
					nonFinite = append(nonFinite, fmt.Sprintf("%s (%d)", fam, s.NonFinite))
				}
				if s.Mismatches > 0 {
					mismatch = append(mismatch, fmt.Sprintf("%s (%d)", fam, s.Mismatches))
				}
				if s.Errors > 0 {
					errs = append(errs, fmt.Sprintf("%s (%d)", fam, s.Errors))
				}
			}
			fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |\n", im.Name,
				orNone(loss), orNone(grad), orNone(nonFinite), orNone(mismatch), orNone(errs))
		}
		b.WriteString("\n")
	}
}

func orNone(v []string) string {
	if len(v) == 0 {
		return "none"
	}
	return strings.Join(v, ", ")
}
